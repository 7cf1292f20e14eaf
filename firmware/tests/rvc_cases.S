/*
 * One small function per RV32C instruction form, written with explicit c.*
 * mnemonics so that every instruction between rvc_cases_begin and
 * rvc_cases_end is 16 bits wide (tests/firmware checks that with objdump).
 * isa_rvc.c calls them (arguments a0/a1, result a0) and checks the results.
 */
	.option rvc
	.section .text.rvc_cases, "ax", @progbits
	.balign 4
	.globl rvc_cases_begin
rvc_cases_begin:

#define FUNC(name) .globl name; .type name, @function; name:

/* c.addi4spn: a0 = sp + imm; returns imm */
FUNC(rvc_addi4spn_16)
	c.addi4spn a0, sp, 16
	c.mv	a1, sp
	c.sub	a0, a1
	c.jr	ra
FUNC(rvc_addi4spn_1020)
	c.addi4spn a0, sp, 1020
	c.mv	a1, sp
	c.sub	a0, a1
	c.jr	ra

/* c.lw / c.sw (x8..x15, scaled unsigned offsets) */
FUNC(rvc_lw_4)          /* returns ((uint32_t*)a0)[1] */
	c.lw	a0, 4(a0)
	c.jr	ra
FUNC(rvc_lw_124)        /* returns ((uint32_t*)a0)[31] */
	c.lw	a0, 124(a0)
	c.jr	ra
FUNC(rvc_sw_8)          /* ((uint32_t*)a0)[2] = a1 */
	c.sw	a1, 8(a0)
	c.jr	ra
FUNC(rvc_sw_124)        /* ((uint32_t*)a0)[31] = a1 */
	c.sw	a1, 124(a0)
	c.jr	ra

FUNC(rvc_nop)           /* returns a0 */
	c.nop
	c.jr	ra

/* c.addi */
FUNC(rvc_addi_m32)
	c.addi	a0, -32
	c.jr	ra
FUNC(rvc_addi_31)
	c.addi	a0, 31
	c.jr	ra

/* c.jal: returns the link register it wrote (0 if it did not jump) */
FUNC(rvc_jal)
	c.mv	a5, ra
	c.jal	1f
	.globl rvc_jal_after
rvc_jal_after:
	c.j	2f
1:	c.mv	a0, ra
	c.mv	ra, a5
	c.jr	ra
2:	c.li	a0, 0
	c.mv	ra, a5
	c.jr	ra

/* c.li (sign-extended 6-bit immediate) */
FUNC(rvc_li_m32)
	c.li	a0, -32
	c.jr	ra
FUNC(rvc_li_31)
	c.li	a0, 31
	c.jr	ra
FUNC(rvc_li_x15)        /* into a register outside x8..x15: a6 = -1 */
	c.li	a6, -1
	c.mv	a0, a6
	c.jr	ra

/* c.addi16sp: returns the change of sp it made */
FUNC(rvc_addi16sp_m512)
	c.mv	a1, sp
	c.addi16sp sp, -512
	c.mv	a0, sp
	c.addi16sp sp, 496
	c.addi16sp sp, 16
	c.sub	a0, a1
	c.jr	ra
FUNC(rvc_addi16sp_496)
	c.mv	a1, sp
	c.addi16sp sp, 496
	c.mv	a0, sp
	c.addi16sp sp, -496
	c.sub	a0, a1
	c.jr	ra

/* c.lui (nzimm[17:12], sign-extended) */
FUNC(rvc_lui_1)
	c.lui	a0, 1
	c.jr	ra
FUNC(rvc_lui_31)
	c.lui	a0, 31
	c.jr	ra
FUNC(rvc_lui_m1)
	c.lui	a0, 0xfffff
	c.jr	ra
FUNC(rvc_lui_m32)
	c.lui	a0, 0xfffe0
	c.jr	ra

/* c.srli / c.srai / c.andi / c.slli */
FUNC(rvc_srli_1)
	c.srli	a0, 1
	c.jr	ra
FUNC(rvc_srli_31)
	c.srli	a0, 31
	c.jr	ra
FUNC(rvc_srai_1)
	c.srai	a0, 1
	c.jr	ra
FUNC(rvc_srai_31)
	c.srai	a0, 31
	c.jr	ra
FUNC(rvc_andi_m1)
	c.andi	a0, -1
	c.jr	ra
FUNC(rvc_andi_m32)
	c.andi	a0, -32
	c.jr	ra
FUNC(rvc_andi_31)
	c.andi	a0, 31
	c.jr	ra
FUNC(rvc_slli_1)
	c.slli	a0, 1
	c.jr	ra
FUNC(rvc_slli_31)
	c.slli	a0, 31
	c.jr	ra
FUNC(rvc_slli_x16)      /* on a register outside x8..x15 */
	c.mv	a6, a0
	c.slli	a6, 4
	c.mv	a0, a6
	c.jr	ra

/* two-register arithmetic: a0 = a0 <op> a1 */
FUNC(rvc_sub)
	c.sub	a0, a1
	c.jr	ra
FUNC(rvc_xor)
	c.xor	a0, a1
	c.jr	ra
FUNC(rvc_or)
	c.or	a0, a1
	c.jr	ra
FUNC(rvc_and)
	c.and	a0, a1
	c.jr	ra
FUNC(rvc_add)
	c.add	a0, a1
	c.jr	ra
FUNC(rvc_mv)
	c.mv	a0, a1
	c.jr	ra

/* c.j forwards and backwards: returns 2 when both jumps were taken */
FUNC(rvc_j)
	c.li	a0, 0
	c.j	2f
1:	c.addi	a0, 1
	c.j	3f
	c.li	a0, 9
2:	c.addi	a0, 1
	c.j	1b
	c.li	a0, 9
3:	c.jr	ra

/* c.beqz / c.bnez: return 1 when taken (forward), 0 otherwise */
FUNC(rvc_beqz)
	c.beqz	a0, 1f
	c.li	a0, 0
	c.jr	ra
1:	c.li	a0, 1
	c.jr	ra
FUNC(rvc_bnez)
	c.bnez	a0, 1f
	c.li	a0, 0
	c.jr	ra
1:	c.li	a0, 1
	c.jr	ra
/* backward: counts a0 down to zero with c.bnez, returns the iterations */
FUNC(rvc_bnez_loop)
	c.li	a1, 0
1:	c.addi	a1, 1
	c.addi	a0, -1
	c.bnez	a0, 1b
	c.mv	a0, a1
	c.jr	ra

/* c.swsp / c.lwsp round trip, and c.swsp's address checked with c.lw */
FUNC(rvc_swsp_lwsp_252)
	c.addi16sp sp, -256
	c.swsp	a0, 252(sp)
	c.li	a0, 0
	c.lwsp	a0, 252(sp)
	c.addi16sp sp, 256
	c.jr	ra
FUNC(rvc_swsp_addr)     /* stores a0 at sp+8, returns the word at sp+8 read by c.lw */
	c.addi16sp sp, -16
	c.swsp	a0, 8(sp)
	c.li	a0, 0
	c.addi4spn a1, sp, 8
	c.lw	a0, 0(a1)
	c.addi16sp sp, 16
	c.jr	ra
FUNC(rvc_lwsp_addr)     /* stores a0 with c.sw at sp+12, returns c.lwsp 12(sp) */
	c.addi16sp sp, -16
	c.addi4spn a1, sp, 12
	c.sw	a0, 0(a1)
	c.li	a0, 0
	c.lwsp	a0, 12(sp)
	c.addi16sp sp, 16
	c.jr	ra

/* c.jr: jumps to a0 (rvc_ret7), which returns 7 straight to our caller */
FUNC(rvc_jr)
	c.jr	a0
FUNC(rvc_ret7)
	c.li	a0, 7
	c.jr	ra

/* c.jalr: calls a0 (rvc_return_link); returns the link value c.jalr wrote */
FUNC(rvc_jalr)
	c.mv	a5, ra
	c.jalr	a0
	.globl rvc_jalr_after
rvc_jalr_after:
	c.mv	ra, a5
	c.jr	ra
FUNC(rvc_return_link)
	c.mv	a0, ra
	c.jr	ra

/* c.ebreak: the test's trap handler skips it (2 bytes); returns 2 */
FUNC(rvc_ebreak)
	c.li	a0, 1
	.globl rvc_ebreak_pc
rvc_ebreak_pc:
	c.ebreak
	c.addi	a0, 1
	c.jr	ra

	.globl rvc_cases_end
rvc_cases_end:

/* A 32-bit instruction at an address that is 2 mod 4, after a 16-bit one. */
	.balign 4
FUNC(rvc_mixed_widths)
	c.nop
	.option push
	.option norvc
	add	a0, a0, a1
	.option pop
	c.jr	ra
