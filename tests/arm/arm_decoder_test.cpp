// The Arm decoder alone: every line of arm.def is reached by a sample encoding (made by
// arm-none-eabi-as from the assembly beside it), fields and immediates are extracted as
// the Armv7-M ARM says, and UNDEFINED / coprocessor encodings are recognised.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "arm/arm_decode.h"

using namespace vitsim;

namespace {

struct Sample {
    uint32_t raw;
    bool is32;
    const char* encoding;
    const char* assembly;
};

const Sample kSamples[] = {
    {0x00d1, false, "LSL_IMM16", "lsls r1, r2, #3"},
    {0x08d1, false, "LSR_IMM16", "lsrs r1, r2, #3"},
    {0x1011, false, "ASR_IMM16", "asrs r1, r2, #32"},
    {0x18d1, false, "ADD_REG16", "adds r1, r2, r3"},
    {0x1ad1, false, "SUB_REG16", "subs r1, r2, r3"},
    {0x1dd1, false, "ADD_IMM3", "adds r1, r2, #7"},
    {0x1fd1, false, "SUB_IMM3", "subs r1, r2, #7"},
    {0x25c8, false, "MOV_IMM8", "movs r5, #200"},
    {0x2dc8, false, "CMP_IMM8", "cmp r5, #200"},
    {0x35c8, false, "ADD_IMM8", "adds r5, #200"},
    {0x3dc8, false, "SUB_IMM8", "subs r5, #200"},
    {0x4011, false, "AND16", "ands r1, r2"},
    {0x4051, false, "EOR16", "eors r1, r2"},
    {0x4091, false, "LSL_REG16", "lsls r1, r2"},
    {0x40d1, false, "LSR_REG16", "lsrs r1, r2"},
    {0x4111, false, "ASR_REG16", "asrs r1, r2"},
    {0x4151, false, "ADC16", "adcs r1, r2"},
    {0x4191, false, "SBC16", "sbcs r1, r2"},
    {0x41d1, false, "ROR_REG16", "rors r1, r2"},
    {0x4211, false, "TST16", "tst r1, r2"},
    {0x4251, false, "RSB16", "rsbs r1, r2, #0"},
    {0x4291, false, "CMP16", "cmp r1, r2"},
    {0x42d1, false, "CMN16", "cmn r1, r2"},
    {0x4311, false, "ORR16", "orrs r1, r2"},
    {0x4351, false, "MUL16", "muls r1, r2, r1"},
    {0x4391, false, "BIC16", "bics r1, r2"},
    {0x43d1, false, "MVN16", "mvns r1, r2"},
    {0x4497, false, "ADD_PC", "add pc, r2"},
    {0x4491, false, "ADD_HI", "add r9, r2"},
    {0x4591, false, "CMP_HI", "cmp r9, r2"},
    {0x46f7, false, "MOV_PC", "mov pc, lr"},
    {0x4691, false, "MOV_HI", "mov r9, r2"},
    {0x4770, false, "BX", "bx lr"},
    {0x4798, false, "BLX", "blx r3"},
    {0x4902, false, "LDR_LIT16", "ldr r1, [pc, #8]"},
    {0x50d1, false, "STR_REG16", "str r1, [r2, r3]"},
    {0x52d1, false, "STRH_REG16", "strh r1, [r2, r3]"},
    {0x54d1, false, "STRB_REG16", "strb r1, [r2, r3]"},
    {0x56d1, false, "LDRSB_REG16", "ldrsb r1, [r2, r3]"},
    {0x58d1, false, "LDR_REG16", "ldr r1, [r2, r3]"},
    {0x5ad1, false, "LDRH_REG16", "ldrh r1, [r2, r3]"},
    {0x5cd1, false, "LDRB_REG16", "ldrb r1, [r2, r3]"},
    {0x5ed1, false, "LDRSH_REG16", "ldrsh r1, [r2, r3]"},
    {0x67d1, false, "STR_IMM16", "str r1, [r2, #124]"},
    {0x6fd1, false, "LDR_IMM16", "ldr r1, [r2, #124]"},
    {0x77d1, false, "STRB_IMM16", "strb r1, [r2, #31]"},
    {0x7fd1, false, "LDRB_IMM16", "ldrb r1, [r2, #31]"},
    {0x87d1, false, "STRH_IMM16", "strh r1, [r2, #62]"},
    {0x8fd1, false, "LDRH_IMM16", "ldrh r1, [r2, #62]"},
    {0x91ff, false, "STR_SP16", "str r1, [sp, #1020]"},
    {0x99ff, false, "LDR_SP16", "ldr r1, [sp, #1020]"},
    {0xa102, false, "ADR16", "adr r1, .+8"},
    {0xa9ff, false, "ADD_SP_IMM8", "add r1, sp, #1020"},
    {0xb07f, false, "ADD_SP_IMM7", "add sp, #508"},
    {0xb0ff, false, "SUB_SP_IMM7", "sub sp, #508"},
    {0xb141, false, "CBZ", "cbz r1, .+20"},
    {0xb941, false, "CBNZ", "cbnz r1, .+20"},
    {0xb211, false, "SXTH16", "sxth r1, r2"},
    {0xb251, false, "SXTB16_16", "sxtb r1, r2"},
    {0xb291, false, "UXTH16", "uxth r1, r2"},
    {0xb2d1, false, "UXTB16_16", "uxtb r1, r2"},
    {0xb511, false, "PUSH", "push {r0, r4, lr}"},
    {0xb672, false, "CPS", "cpsid i"},
    {0xba11, false, "REV16_16", "rev r1, r2"},
    {0xba51, false, "REV16_16B", "rev16 r1, r2"},
    {0xbad1, false, "REVSH16", "revsh r1, r2"},
    {0xbd11, false, "POP", "pop {r0, r4, pc}"},
    {0xbeab, false, "BKPT", "bkpt 0xab"},
    {0xbf30, false, "WFI", "wfi"},
    {0xbf00, false, "NOP", "nop"},
    {0xbf0c, false, "IT", ".short 0xbf0c"},
    {0xc10c, false, "STM16", "stmia r1!, {r2, r3}"},
    {0xc90a, false, "LDM16", "ldmia r1, {r1, r3}"},
    {0xde05, false, "UDF16", "udf #5"},
    {0xdf07, false, "SVC", "svc #7"},
    {0xd112, false, "BCOND", "bne .+40"},
    {0xe1f2, false, "B", "b .+1000"},
    {0xe8a1400c, true, "STM", "stmia.w r1!, {r2, r3, lr}"},
    {0xe891800c, true, "LDM", "ldmia.w r1, {r2, r3, pc}"},
    {0xe92d4ff0, true, "STMDB", "stmdb sp!, {r4-r11, lr}"},
    {0xe931000c, true, "LDMDB", "ldmdb r1!, {r2, r3}"},
    {0xe8421001, true, "STREX", "strex r0, r1, [r2, #4]"},
    {0xe8521f01, true, "LDREX", "ldrex r1, [r2, #4]"},
    {0xe8c21f40, true, "STREXB", "strexb r0, r1, [r2]"},
    {0xe8c21f50, true, "STREXH", "strexh r0, r1, [r2]"},
    {0xe8dff001, true, "TBB", "tbb [pc, r1]"},
    {0xe8d0f011, true, "TBH", "tbh [r0, r1, lsl #1]"},
    {0xe8d21f4f, true, "LDREXB", "ldrexb r1, [r2]"},
    {0xe8d21f5f, true, "LDREXH", "ldrexh r1, [r2]"},
    {0xe9631202, true, "STRD", "strd r1, r2, [r3, #-8]!"},
    {0xe8f31202, true, "LDRD", "ldrd r1, r2, [r3], #8"},
    {0xea110f82, true, "TST_R", "tst.w r1, r2, lsl #2"},
    {0xea0211f3, true, "AND_R", "and.w r1, r2, r3, ror #7"},
    {0xea220103, true, "BIC_R", "bic.w r1, r2, r3"},
    {0xea4f0132, true, "MOV_R", "mov.w r1, r2, rrx"},
    {0xea420103, true, "ORR_R", "orr.w r1, r2, r3"},
    {0xea6f01e2, true, "MVN_R", "mvn.w r1, r2, asr #3"},
    {0xea620103, true, "ORN_R", "orn r1, r2, r3"},
    {0xea910f02, true, "TEQ_R", "teq.w r1, r2"},
    {0xea920113, true, "EOR_R", "eors.w r1, r2, r3, lsr #32"},
    {0xeac21103, true, "PKHBT", "pkhbt r1, r2, r3, lsl #4"},
    {0xeac21123, true, "PKHTB", "pkhtb r1, r2, r3, asr #4"},
    {0xeb110f02, true, "CMN_R", "cmn.w r1, r2"},
    {0xeb0271c3, true, "ADD_R", "add.w r1, r2, r3, lsl #31"},
    {0xeb420103, true, "ADC_R", "adc.w r1, r2, r3"},
    {0xeb620103, true, "SBC_R", "sbc.w r1, r2, r3"},
    {0xebb10f42, true, "CMP_R", "cmp.w r1, r2, lsl #1"},
    {0xebb20103, true, "SUB_R", "subs.w r1, r2, r3"},
    {0xebc20103, true, "RSB_R", "rsb r1, r2, r3"},
    {0xee000a10, true, "COPROC", "vmov s0, r0"},
    {0xee010f10, true, "COPROC", "mcr p15, 0, r0, c1, c0, 0"},
    {0xf4114f7f, true, "TST_I", "tst.w r1, #0xff00"},
    {0xf402717f, true, "AND_I", "and.w r1, r2, #0x3fc"},
    {0xf02221ff, true, "BIC_I", "bic r1, r2, #0xff00ff00"},
    {0xf04f4100, true, "MOV_I", "mov.w r1, #0x80000000"},
    {0xf0420101, true, "ORR_I", "orr r1, r2, #1"},
    {0xf06f0107, true, "MVN_I", "mvn r1, #7"},
    {0xf0620107, true, "ORN_I", "orn r1, r2, #7"},
    {0xf0910f07, true, "TEQ_I", "teq r1, #7"},
    {0xf08241fe, true, "EOR_I", "eor r1, r2, #0x7f000000"},
    {0xf1110f07, true, "CMN_I", "cmn.w r1, #7"},
    {0xf102417f, true, "ADD_I", "add.w r1, r2, #0xff000000"},
    {0xf83ff008, true, "HINT_LIT", "unallocated memory hint: ldrh pc, [pc, #-8]"},
    {0xf8b1f008, true, "HINT_I12", "unallocated memory hint: ldrh.w pc, [r1, #8]"},
    {0xf93ff008, true, "HINT_SH_LIT", "unallocated memory hint: ldrsh pc, [pc, #-8]"},
    {0xf9b1f008, true, "HINT_SH_I12", "unallocated memory hint: ldrsh.w pc, [r1, #8]"},
    {0xf1420107, true, "ADC_I", "adc r1, r2, #7"},
    {0xf1620107, true, "SBC_I", "sbc r1, r2, #7"},
    {0xf1b10f07, true, "CMP_I", "cmp.w r1, #7"},
    {0xf5a2412b, true, "SUB_I", "sub.w r1, r2, #0xab00"},
    {0xf1c20107, true, "RSB_I", "rsb.w r1, r2, #7"},
    {0xf20f0104, true, "ADR_ADD", "addw r1, pc, #4"},
    {0xf60271ff, true, "ADDW", "addw r1, r2, #4095"},
    {0xf2af0104, true, "ADR_SUB", "subw r1, pc, #4"},
    {0xf6a271ff, true, "SUBW", "subw r1, r2, #4095"},
    {0xf64b61ef, true, "MOVW", "movw r1, #0xbeef"},
    {0xf6cd61ad, true, "MOVT", "movt r1, #0xdead"},
    {0xf3220107, true, "SSAT16", "ssat16 r1, #8, r2"},
    {0xf32201c7, true, "SSAT", "ssat r1, #8, r2, asr #3"},
    {0xf34201c8, true, "SBFX", "sbfx r1, r2, #3, #9"},
    {0xf36f01cb, true, "BFC", "bfc r1, #3, #9"},
    {0xf36201cb, true, "BFI", "bfi r1, r2, #3, #9"},
    {0xf3a20108, true, "USAT16", "usat16 r1, #8, r2"},
    {0xf38201df, true, "USAT", "usat r1, #31, r2, lsl #3"},
    {0xf3c2011f, true, "UBFX", "ubfx r1, r2, #0, #32"},
    {0xf3818800, true, "MSR", "msr apsr_nzcvq, r1"},
    {0xf3af8003, true, "WFI_W", "wfi.w"},
    {0xf3af8000, true, "NOP_W", "nop.w"},
    {0xf3bf8f2f, true, "CLREX", "clrex"},
    {0xf3bf8f4f, true, "DSB", "dsb"},
    {0xf3bf8f5f, true, "DMB", "dmb"},
    {0xf3bf8f6f, true, "BARRIER", "isb"},
    {0xf3ef8110, true, "MRS", "mrs r1, primask"},
    {0xf7f0a12c, true, "UDF_W", "udf.w #300"},
    {0xf00087ce, true, "BCOND_W", "beq.w .+4000"},
    {0xf7e7bcae, true, "B_W", "b.w .-100000"},
    {0xf0f4f91e, true, "BL", "bl .+1000000"},
    {0xf8821fff, true, "STRB_I12", "strb.w r1, [r2, #4095]"},
    {0xf8021c04, true, "STRB_I8", "strb r1, [r2, #-4]"},
    {0xf8021033, true, "STRB_REG_W", "strb.w r1, [r2, r3, lsl #3]"},
    {0xf8a21fff, true, "STRH_I12", "strh.w r1, [r2, #4095]"},
    {0xf8221b04, true, "STRH_I8", "strh r1, [r2], #4"},
    {0xf8221003, true, "STRH_REG_W", "strh.w r1, [r2, r3]"},
    {0xf8c21fff, true, "STR_I12", "str.w r1, [r2, #4095]"},
    {0xf8421d04, true, "STR_I8", "str r1, [r2, #-4]!"},
    {0xf8421023, true, "STR_REG_W", "str.w r1, [r2, r3, lsl #2]"},
    {0xf81ff008, true, "PLD_LIT", "pld [pc, #-8]"},
    {0xf891f008, true, "PLD_I12", "pld [r1, #8]"},
    {0xf811fc08, true, "PLD_I8", "pld [r1, #-8]"},
    {0xf811f002, true, "PLD_REG", "pld [r1, r2]"},
    {0xf81f1008, true, "LDRB_LIT", "ldrb.w r1, [pc, #-8]"},
    {0xf8921008, true, "LDRB_I12", "ldrb.w r1, [r2, #8]"},
    {0xf8121908, true, "LDRB_I8", "ldrb r1, [r2], #-8"},
    {0xf8121003, true, "LDRB_REG_W", "ldrb.w r1, [r2, r3]"},
    {0xf8bf1008, true, "LDRH_LIT", "ldrh.w r1, [pc, #8]"},
    {0xf8b21008, true, "LDRH_I12", "ldrh.w r1, [r2, #8]"},
    {0xf8321d08, true, "LDRH_I8", "ldrh r1, [r2, #-8]!"},
    {0xf8321013, true, "LDRH_REG_W", "ldrh.w r1, [r2, r3, lsl #1]"},
    {0xf8dff008, true, "LDR_PC_LIT", "ldr.w pc, [pc, #8]"},
    {0xf8d2f008, true, "LDR_PC_I12", "ldr.w pc, [r2, #8]"},
    {0xf85dfb04, true, "LDR_PC_X", "ldr pc, [sp], #4"},
    {0xf852f023, true, "LDR_PC_REG", "ldr.w pc, [r2, r3, lsl #2]"},
    {0xf85f1008, true, "LDR_LIT", "ldr.w r1, [pc, #-8]"},
    {0xf8d21fff, true, "LDR_I12", "ldr.w r1, [r2, #4095]"},
    {0xf8521cff, true, "LDR_I8", "ldr r1, [r2, #-255]"},
    {0xf8521003, true, "LDR_REG_W", "ldr.w r1, [r2, r3]"},
    {0xf99ff008, true, "PLI_LIT", "pli [pc, #8]"},
    {0xf991f008, true, "PLI_I12", "pli [r1, #8]"},
    {0xf911fc08, true, "PLI_I8", "pli [r1, #-8]"},
    {0xf911f002, true, "PLI_REG", "pli [r1, r2]"},
    {0xf99f1008, true, "LDRSB_LIT", "ldrsb.w r1, [pc, #8]"},
    {0xf9921008, true, "LDRSB_I12", "ldrsb.w r1, [r2, #8]"},
    {0xf9121c08, true, "LDRSB_I8", "ldrsb r1, [r2, #-8]"},
    {0xf9121003, true, "LDRSB_REG_W", "ldrsb.w r1, [r2, r3]"},
    {0xf9bf1008, true, "LDRSH_LIT", "ldrsh.w r1, [pc, #8]"},
    {0xf9b21008, true, "LDRSH_I12", "ldrsh.w r1, [r2, #8]"},
    {0xf9321c08, true, "LDRSH_I8", "ldrsh r1, [r2, #-8]"},
    {0xf9321003, true, "LDRSH_REG_W", "ldrsh.w r1, [r2, r3]"},
    {0xfa02f103, true, "SHIFT_REG", "lsl.w r1, r2, r3"},
    {0xfa72f103, true, "SHIFT_REG", "rors.w r1, r2, r3"},
    {0xfa0ff192, true, "SXTH", "sxth r1, r2, ror #8"},
    {0xfa02f183, true, "SXTAH", "sxtah r1, r2, r3"},
    {0xfa1ff182, true, "UXTH", "uxth.w r1, r2"},
    {0xfa12f183, true, "UXTAH", "uxtah r1, r2, r3"},
    {0xfa2ff182, true, "SXTB16", "sxtb16 r1, r2"},
    {0xfa22f183, true, "SXTAB16", "sxtab16 r1, r2, r3"},
    {0xfa3ff1b2, true, "UXTB16", "uxtb16 r1, r2, ror #24"},
    {0xfa32f183, true, "UXTAB16", "uxtab16 r1, r2, r3"},
    {0xfa4ff182, true, "SXTB", "sxtb.w r1, r2"},
    {0xfa42f183, true, "SXTAB", "sxtab r1, r2, r3"},
    {0xfa5ff182, true, "UXTB", "uxtb.w r1, r2"},
    {0xfa52f183, true, "UXTAB", "uxtab r1, r2, r3"},
    {0xfa82f103, true, "SADD8", "sadd8 r1, r2, r3"},
    {0xfa92f103, true, "SADD16", "sadd16 r1, r2, r3"},
    {0xfaa2f103, true, "SASX", "sasx r1, r2, r3"},
    {0xfac2f103, true, "SSUB8", "ssub8 r1, r2, r3"},
    {0xfad2f103, true, "SSUB16", "ssub16 r1, r2, r3"},
    {0xfae2f103, true, "SSAX", "ssax r1, r2, r3"},
    {0xfa82f113, true, "QADD8", "qadd8 r1, r2, r3"},
    {0xfa92f113, true, "QADD16", "qadd16 r1, r2, r3"},
    {0xfaa2f113, true, "QASX", "qasx r1, r2, r3"},
    {0xfac2f113, true, "QSUB8", "qsub8 r1, r2, r3"},
    {0xfad2f113, true, "QSUB16", "qsub16 r1, r2, r3"},
    {0xfae2f113, true, "QSAX", "qsax r1, r2, r3"},
    {0xfa82f123, true, "SHADD8", "shadd8 r1, r2, r3"},
    {0xfa92f123, true, "SHADD16", "shadd16 r1, r2, r3"},
    {0xfaa2f123, true, "SHASX", "shasx r1, r2, r3"},
    {0xfac2f123, true, "SHSUB8", "shsub8 r1, r2, r3"},
    {0xfad2f123, true, "SHSUB16", "shsub16 r1, r2, r3"},
    {0xfae2f123, true, "SHSAX", "shsax r1, r2, r3"},
    {0xfa82f143, true, "UADD8", "uadd8 r1, r2, r3"},
    {0xfa92f143, true, "UADD16", "uadd16 r1, r2, r3"},
    {0xfaa2f143, true, "UASX", "uasx r1, r2, r3"},
    {0xfac2f143, true, "USUB8", "usub8 r1, r2, r3"},
    {0xfad2f143, true, "USUB16", "usub16 r1, r2, r3"},
    {0xfae2f143, true, "USAX", "usax r1, r2, r3"},
    {0xfa82f153, true, "UQADD8", "uqadd8 r1, r2, r3"},
    {0xfa92f153, true, "UQADD16", "uqadd16 r1, r2, r3"},
    {0xfaa2f153, true, "UQASX", "uqasx r1, r2, r3"},
    {0xfac2f153, true, "UQSUB8", "uqsub8 r1, r2, r3"},
    {0xfad2f153, true, "UQSUB16", "uqsub16 r1, r2, r3"},
    {0xfae2f153, true, "UQSAX", "uqsax r1, r2, r3"},
    {0xfa82f163, true, "UHADD8", "uhadd8 r1, r2, r3"},
    {0xfa92f163, true, "UHADD16", "uhadd16 r1, r2, r3"},
    {0xfaa2f163, true, "UHASX", "uhasx r1, r2, r3"},
    {0xfac2f163, true, "UHSUB8", "uhsub8 r1, r2, r3"},
    {0xfad2f163, true, "UHSUB16", "uhsub16 r1, r2, r3"},
    {0xfae2f163, true, "UHSAX", "uhsax r1, r2, r3"},
    {0xfa83f182, true, "QADD", "qadd r1, r2, r3"},
    {0xfa83f192, true, "QDADD", "qdadd r1, r2, r3"},
    {0xfa83f1a2, true, "QSUB", "qsub r1, r2, r3"},
    {0xfa83f1b2, true, "QDSUB", "qdsub r1, r2, r3"},
    {0xfa92f182, true, "REV", "rev.w r1, r2"},
    {0xfa92f192, true, "REV16", "rev16.w r1, r2"},
    {0xfa92f1a2, true, "RBIT", "rbit r1, r2"},
    {0xfa92f1b2, true, "REVSH", "revsh.w r1, r2"},
    {0xfaa2f183, true, "SEL", "sel r1, r2, r3"},
    {0xfab2f182, true, "CLZ", "clz r1, r2"},
    {0xfb02f103, true, "MUL", "mul.w r1, r2, r3"},
    {0xfb024103, true, "MLA", "mla r1, r2, r3, r4"},
    {0xfb024113, true, "MLS", "mls r1, r2, r3, r4"},
    {0xfb12f123, true, "SMULXY", "smultb r1, r2, r3"},
    {0xfb124113, true, "SMLAXY", "smlabt r1, r2, r3, r4"},
    {0xfb22f113, true, "SMUAD", "smuadx r1, r2, r3"},
    {0xfb224103, true, "SMLAD", "smlad r1, r2, r3, r4"},
    {0xfb32f113, true, "SMULWY", "smulwt r1, r2, r3"},
    {0xfb324103, true, "SMLAWY", "smlawb r1, r2, r3, r4"},
    {0xfb42f103, true, "SMUSD", "smusd r1, r2, r3"},
    {0xfb424113, true, "SMLSD", "smlsdx r1, r2, r3, r4"},
    {0xfb52f113, true, "SMMUL", "smmulr r1, r2, r3"},
    {0xfb524103, true, "SMMLA", "smmla r1, r2, r3, r4"},
    {0xfb624113, true, "SMMLS", "smmlsr r1, r2, r3, r4"},
    {0xfb72f103, true, "USAD8", "usad8 r1, r2, r3"},
    {0xfb724103, true, "USADA8", "usada8 r1, r2, r3, r4"},
    {0xfb831204, true, "SMULL", "smull r1, r2, r3, r4"},
    {0xfb92f1f3, true, "SDIV", "sdiv r1, r2, r3"},
    {0xfba31204, true, "UMULL", "umull r1, r2, r3, r4"},
    {0xfbb2f1f3, true, "UDIV", "udiv r1, r2, r3"},
    {0xfbc31204, true, "SMLAL", "smlal r1, r2, r3, r4"},
    {0xfbc312b4, true, "SMLALXY", "smlaltt r1, r2, r3, r4"},
    {0xfbc312d4, true, "SMLALD", "smlaldx r1, r2, r3, r4"},
    {0xfbd312c4, true, "SMLSLD", "smlsld r1, r2, r3, r4"},
    {0xfbe31204, true, "UMLAL", "umlal r1, r2, r3, r4"},
    {0xfbe31264, true, "UMAAL", "umaal r1, r2, r3, r4"},
};

ArmDecoded decode_at(uint32_t raw, bool is32, uint32_t pc = 0x1000, bool in_it = false) {
    ArmDecoded d;
    arm_decode(raw, is32, pc, in_it, d);
    return d;
}

}  // namespace

TEST(ArmDecoder, EverySampleMatchesItsTableLine) {
    for (const Sample& s : kSamples) {
        const char* name = arm_encoding_name(s.raw, s.is32);
        ASSERT_NE(name, nullptr) << s.assembly;
        EXPECT_STREQ(name, s.encoding) << s.assembly;
        ArmDecoded d;
        const bool ok = arm_decode(s.raw, s.is32, 0x1000, false, d);
        if (std::string(s.encoding) == "COPROC") {
            EXPECT_FALSE(ok);
            EXPECT_EQ(d.op, ArmOp::kNoCoprocessor) << s.assembly;
        } else if (std::string(s.encoding) == "UDF16" || std::string(s.encoding) == "UDF_W") {
            EXPECT_EQ(d.op, ArmOp::kUndefined) << s.assembly;
        } else {
            EXPECT_TRUE(ok) << s.assembly;
            EXPECT_NE(d.op, ArmOp::kUndefined) << s.assembly;
            EXPECT_EQ(d.len, s.is32 ? 4 : 2) << s.assembly;
        }
    }
}

TEST(ArmDecoder, EveryTableLineHasASample) {
    std::set<std::string> sampled;
    for (const Sample& s : kSamples) sampled.insert(s.encoding);
    for (const char* name : arm_encoding_names()) EXPECT_TRUE(sampled.count(name)) << name << " has no sample";
}

TEST(ArmDecoder, Length) {
    EXPECT_EQ(arm_insn_length(0x4770), 2u);  // bx lr
    EXPECT_EQ(arm_insn_length(0xe92d), 4u);  // 0b11101...
    EXPECT_EQ(arm_insn_length(0xf000), 4u);
    EXPECT_EQ(arm_insn_length(0xf800), 4u);
    EXPECT_EQ(arm_insn_length(0xe7fe), 2u);  // b . (0b11100)
}

TEST(ArmDecoder, ThumbExpandImm) {
    // mov.w r1, #0x80000000 (rotated: carry from bit 31), #0xab00ab00, #0xabababab, #0x3fc
    ArmDecoded d = decode_at(0xf04f4100, true);
    EXPECT_EQ(uint32_t(d.imm), 0x80000000u);
    EXPECT_TRUE(d.flags & kImmCarry);
    d = decode_at(0xf04f21ab, true);
    EXPECT_EQ(uint32_t(d.imm), 0xab00ab00u);
    EXPECT_FALSE(d.flags & kImmCarry);
    d = decode_at(0xf04f31ab, true);
    EXPECT_EQ(uint32_t(d.imm), 0xababababu);
    d = decode_at(0xf04f11ab, true);
    EXPECT_EQ(uint32_t(d.imm), 0x00ab00abu);
    EXPECT_EQ(d.rn, kZeroReg) << "MOV's Rn field (1111) is not an operand";
}

TEST(ArmDecoder, BranchTargetsAreAbsolute) {
    // At 0x1000: b .+1000 (T16), bl .+1000000, b.w .-100000, beq.w .+4000, cbz r1, .+20
    EXPECT_EQ(uint32_t(decode_at(0xe1f2, false).imm), 0x1000u + 1000);
    EXPECT_EQ(uint32_t(decode_at(0xf0f4f91e, true).imm), 0x1000u + 1000000);
    EXPECT_EQ(uint32_t(decode_at(0xf7e7bcae, true).imm), 0x1000u - 100000);
    ArmDecoded d = decode_at(0xf00087ce, true);  // beq.w .+4000
    EXPECT_EQ(uint32_t(d.imm), 0x1000u + 4000);
    EXPECT_EQ(d.cond, 0);
    d = decode_at(0xb141, false);  // cbz r1, .+20
    EXPECT_EQ(uint32_t(d.imm), 0x1000u + 20);
    EXPECT_EQ(d.rn, 1);
}

TEST(ArmDecoder, LiteralAddressesAreAligned) {
    // ldr r1, [pc, #8] at 0x1002: Align(0x1002 + 4, 4) + 8
    ArmDecoded d = decode_at(0x4902, false, 0x1002);
    EXPECT_EQ(d.rn, kZeroReg);
    EXPECT_EQ(uint32_t(d.imm), 0x1004u + 8);
    // ldr.w r1, [pc, #-8] at 0x1000
    d = decode_at(0xf85f1008, true, 0x1000);
    EXPECT_EQ(uint32_t(d.imm), 0x1004u - 8);
    // adr r1, .+8 at 0x1002 (Align(PC, 4) + 8)
    d = decode_at(0xa102, false, 0x1002);
    EXPECT_EQ(uint32_t(d.imm), 0x1004u + 8);
}

TEST(ArmDecoder, ImmediateShifts) {
    ArmDecoded d = decode_at(0x1011, false);  // asrs r1, r2, #32 (imm5 0 = 32)
    EXPECT_EQ(d.shift_type, 2);
    EXPECT_EQ(d.shift_n, 32);
    d = decode_at(0xea4f0132, true);  // mov.w r1, r2, rrx
    EXPECT_EQ(d.shift_type, 4);
    d = decode_at(0xea0211f3, true);  // and.w r1, r2, r3, ror #7
    EXPECT_EQ(d.shift_type, 3);
    EXPECT_EQ(d.shift_n, 7);
}

TEST(ArmDecoder, SixteenBitFormsSetFlagsOnlyOutsideIt) {
    EXPECT_TRUE(decode_at(0x1889, false).flags & kSetFlags);                // adds r1, r1, r2
    EXPECT_FALSE(decode_at(0x1889, false, 0x1000, true).flags & kSetFlags);  // add r1, r1, r2 in IT
    EXPECT_TRUE(decode_at(0x4291, false, 0x1000, true).flags & kSetFlags);   // cmp sets flags in IT
}

TEST(ArmDecoder, UndefinedEncodings) {
    const struct { uint32_t raw; bool is32; const char* why; } kUndefined[] = {
        {0xde05, false, "UDF"},
        {0xf7f0a000, true, "UDF.W"},
        {0xba80, false, "REV unallocated slot (op 10)"},
        {0xeaa00000, true, "data processing register op 0101"},
        {0xf8510800, true, "LDR imm8 with P = 0 and W = 0"},
        {0xf000e800, true, "BLX immediate (no Arm state on M-profile)"},
        {0xf3c08000, true, "branch with cond 1111 that is no control instruction"},
        {0xf3622100, true, "BFI with msb < lsb"},
        {0xf3c27182, true, "UBFX with lsb + width > 32"},
        {0xe8bd2001, true, "LDM with SP in the list"},
        {0xe8a18004, true, "STM with PC in the list"},
        {0xbc00, false, "POP with an empty list"},
        {0xfb831104, true, "SMULL with RdLo == RdHi"},
        {0xf8c0f000 | (15u << 16), true, "STR with Rn = PC"},
    };
    for (const auto& u : kUndefined) {
        ArmDecoded d;
        EXPECT_FALSE(arm_decode(u.raw, u.is32, 0x1000, false, d)) << u.why;
        EXPECT_EQ(d.op, ArmOp::kUndefined) << u.why;
    }
    // Inside an IT block: IT, B<c>, CBZ are UNPREDICTABLE (UNDEFINED here).
    ArmDecoded d;
    EXPECT_FALSE(arm_decode(0xbf0c, false, 0x1000, true, d));      // itte eq
    EXPECT_FALSE(arm_decode(0xd112, false, 0x1000, true, d));      // bne
    EXPECT_FALSE(arm_decode(0xb141, false, 0x1000, true, d));      // cbz
    EXPECT_FALSE(arm_decode(0xf00087ce, true, 0x1000, true, d));   // beq.w
    // Coprocessor and FPU space: NOCP, not UNDEFINSTR.
    EXPECT_FALSE(arm_decode(0xee000a10, true, 0x1000, false, d));  // vmov s0, r0
    EXPECT_EQ(d.op, ArmOp::kNoCoprocessor);
    EXPECT_FALSE(arm_decode(0xed9f0a00, true, 0x1000, false, d));  // vldr s0, [pc]
    EXPECT_EQ(d.op, ArmOp::kNoCoprocessor);
}

TEST(ArmDecoder, OpNamesAndClasses) {
    EXPECT_STREQ(arm_op_name(ArmOp::SMLAD), "SMLAD");
    EXPECT_EQ(arm_op_class(ArmOp::SMLAD), ArmClass::MUL);
    EXPECT_EQ(arm_op_class(ArmOp::LDR_I), ArmClass::LOAD);
    EXPECT_EQ(arm_op_class(ArmOp::BL), ArmClass::BRANCH);
    EXPECT_EQ(arm_op_class(ArmOp::UDIV), ArmClass::DIV);
}
