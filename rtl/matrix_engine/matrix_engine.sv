// vitsim matrix engine: int8 GEMM tiles with int32 accumulation, requantization and
// an optional ReLU, on a SIMD array of LANES lanes (docs/engine.md).
//
//   C[m][n] = out(bias[n] + sum_k A[m][k] * B[n][k])          ("NT": both read along rows)
//   out(acc) = clamp8(((acc * QMUL + 2^(QSHIFT-1)) >>> QSHIFT) + QZERO), then ReLU if asked
//
// exactly the kernels' vs__requant (kernels/src/vs_internal.h) when QZERO is 0: the
// accumulator wraps modulo 2^32 like the RV32 add, the product is 64-bit.
//
// Schedule, per pass over LANES output columns n0..n0+LANES-1:
//   BIAS   read the lanes' int32 biases                      (1 word per lane)
//   LOADW  read the lanes' B rows into the weight buffer      (K/4 words per lane)
//   for each row m of A:
//     ROW    stream A's row, one word a cycle; every lane does 4 MACs with its weights
//     QUANT  requantize all lanes (one cycle)
//     WRITE  store the lanes' bytes to C's row, one word (with byte enables) a cycle
// so the array does 4*LANES MACs in every cycle its A word is granted.
//
// Memory port: word accesses; an access completes at the clock edge where mem_req and
// mem_gnt are both high (mem_rdata is valid with mem_gnt). The SoC (the cluster's L1
// bank arbitration) grants it; every cycle without grant is a stall.
//
// Register port: reg_rdata is the register at reg_addr (combinational); reg_write
// writes it at the clock edge. While busy, writes are ignored (the operands stay put).
module matrix_engine #(
    parameter int LANES = 8,     // SIMD lanes = output columns per pass
    parameter int KMAX  = 1024   // deepest K the weight buffer holds (bytes per lane)
) (
    input  logic        clk,
    input  logic        rst_n,
    // register port
    input  logic        reg_write,
    input  logic [7:0]  reg_addr,
    input  logic [31:0] reg_wdata,
    output logic [31:0] reg_rdata,
    // the memory the operands must lie in (the L1): a tile outside is an error
    input  logic [31:0] mem_base,
    input  logic [31:0] mem_size,
    // memory master
    output logic        mem_req,
    output logic        mem_we,
    output logic [31:0] mem_addr,
    output logic [3:0]  mem_be,
    output logic [31:0] mem_wdata,
    input  logic        mem_gnt,
    input  logic [31:0] mem_rdata,
    // done (and error) event: high until START or a write to STATUS
    output logic        irq,
    // for traces: the state and whether the array computes in this cycle
    output logic [2:0]  state_o,
    output logic        array_active
);
    localparam int KW = KMAX / 4;            // weight words per lane
    localparam int KWB = $clog2(KW + 1);
    localparam int LB = $clog2(LANES + 1);
    localparam int LI = LANES > 1 ? $clog2(LANES) : 1;  // lane index
    localparam int KI = KW > 1 ? $clog2(KW) : 1;        // weight word index

    // Register map (byte offsets; firmware/include/vitsim/platform.h VITSIM_ENGINE_*).
    localparam logic [7:0] R_A = 8'h00, R_B = 8'h04, R_BIAS = 8'h08, R_C = 8'h0C;
    localparam logic [7:0] R_M = 8'h10, R_N = 8'h14, R_K = 8'h18;
    localparam logic [7:0] R_LDA = 8'h1C, R_LDB = 8'h20, R_LDC = 8'h24;
    localparam logic [7:0] R_QMUL = 8'h28, R_QSHIFT = 8'h2C, R_QZERO = 8'h30, R_CTRL = 8'h34;
    localparam logic [7:0] R_START = 8'h38, R_STATUS = 8'h3C, R_CYCLES = 8'h40, R_STALLS = 8'h44;
    localparam logic [7:0] R_ACTIVE = 8'h48, R_CONFIG = 8'h4C;

    // Error codes (STATUS[15:8]).
    localparam logic [7:0] E_NONE = 8'd0, E_DIM = 8'd1, E_DEPTH = 8'd2, E_ALIGN = 8'd3;
    localparam logic [7:0] E_RANGE = 8'd4, E_SHIFT = 8'd5;

    typedef enum logic [2:0] { S_IDLE, S_CHECK, S_BIAS, S_LOADW, S_ROW, S_QUANT, S_WRITE } state_t;
    state_t state;

    // Configuration registers.
    logic [31:0] a_addr, b_addr, bias_addr, c_addr, dim_m, dim_n, dim_k, lda, ldb, ldc;
    logic [31:0] qmul, qshift, qzero, ctrl;
    logic        done, error;
    logic [7:0]  error_code;
    logic [31:0] cycles, stalls, active;

    // Datapath.
    logic [31:0] wbuf [LANES][KW];
    logic [31:0] acc [LANES];
    logic [31:0] bias_r [LANES];
    logic [7:0]  outb [LANES];
    logic [31:0] n0, m_i;                 // current pass's first column, current row
    logic [LB-1:0] act;                   // lanes used in this pass
    logic [LB-1:0] lane;                  // lane being loaded / byte being written
    logic [KWB-1:0] kw;                   // word of K
    logic [31:0] ptr;                     // the address of the next access
    logic [31:0] row_ptr;                 // start of the current B or A row
    logic [31:0] c_row;                   // start of the current C row segment

    wire [LI-1:0] lane_ix = LI'(lane);
    wire [KI-1:0] kw_ix = KI'(kw);
    wire relu = ctrl[0];
    wire use_bias = ctrl[1];
    wire busy = state != S_IDLE;
    wire granted = mem_req && mem_gnt;

    // ---- checks at START ----------------------------------------------------------
    // The end (exclusive) of `rows` rows of `len` bytes `ld` apart from `base`.
    function automatic logic [63:0] span_end(input logic [31:0] base, input logic [31:0] rows,
                                             input logic [31:0] ld, input logic [31:0] len);
        span_end = {32'd0, base} + ({32'd0, rows} - 64'd1) * {32'd0, ld} + {32'd0, len};
    endfunction
    function automatic logic in_memory(input logic [31:0] base, input logic [63:0] end_excl);
        in_memory = base >= mem_base && end_excl <= {32'd0, mem_base} + {32'd0, mem_size};
    endfunction

    logic [7:0] check_code;
    always_comb begin
        check_code = E_NONE;
        if (dim_m == 0 || dim_n == 0 || dim_k == 0 || dim_m > 32'hFFFF || dim_n > 32'hFFFF)
            check_code = E_DIM;
        else if (dim_k[1:0] != 2'b00 || dim_k > KMAX)
            check_code = E_DEPTH;
        else if (a_addr[1:0] != 0 || b_addr[1:0] != 0 || lda[1:0] != 0 || ldb[1:0] != 0 ||
                 (use_bias && bias_addr[1:0] != 0))
            check_code = E_ALIGN;
        else if (!in_memory(a_addr, span_end(a_addr, dim_m, lda, dim_k)) ||
                 !in_memory(b_addr, span_end(b_addr, dim_n, ldb, dim_k)) ||
                 !in_memory(c_addr, span_end(c_addr, dim_m, ldc, dim_n)) ||
                 (use_bias && !in_memory(bias_addr, {30'd0, dim_n, 2'b00} + {32'd0, bias_addr})))
            check_code = E_RANGE;
        else if (qshift == 0 || qshift > 62)
            check_code = E_SHIFT;
    end

    // ---- requantization -------------------------------------------------------------
    function automatic logic [7:0] requant(input logic [31:0] x);
        logic signed [63:0] prod, rounded, shifted, biased;
        prod = 64'($signed(x)) * 64'($signed(qmul));
        rounded = prod + (64'sd1 <<< (qshift[5:0] - 6'd1));
        shifted = rounded >>> qshift[5:0];
        biased = shifted + 64'($signed(qzero));
        if (biased > 64'sd127) requant = 8'h7F;
        else if (biased < -64'sd128) requant = 8'h80;
        else requant = biased[7:0];
        if (relu && $signed(requant) < $signed(qzero[7:0])) requant = qzero[7:0];
    endfunction

    // acc + the dot product of four int8 pairs (wrapping like the RV32 add).
    function automatic logic [31:0] mac4(input logic [31:0] sum, input logic [31:0] a, input logic [31:0] b);
        logic [31:0] s;
        s = sum;
        for (int i = 0; i < 4; i++) s = s + 32'($signed(a[8*i +: 8]) * $signed(b[8*i +: 8]));
        mac4 = s;
    endfunction

    // ---- the lanes' bytes of C, one word at a time ------------------------------------
    logic [2:0] wr_count;    // bytes written by this access
    logic [31:0] wr_data;
    logic [3:0] wr_be;
    always_comb begin
        logic [2:0] room;
        logic [31:0] left;
        room = 3'd4 - {1'b0, ptr[1:0]};
        left = 32'(act) - 32'(lane);
        wr_count = (left < 32'(room)) ? left[2:0] : room;
        wr_data = 32'd0;
        wr_be = 4'd0;
        for (int i = 0; i < 4; i++) begin
            if (i >= int'(ptr[1:0]) && i < int'(ptr[1:0]) + int'(wr_count)) begin
                wr_be[i] = 1'b1;
                wr_data[8*i +: 8] = outb[int'(lane) + i - int'(ptr[1:0])];
            end
        end
    end

    // ---- memory port ---------------------------------------------------------------------
    always_comb begin
        mem_req = state == S_BIAS || state == S_LOADW || state == S_ROW || state == S_WRITE;
        mem_we = state == S_WRITE;
        mem_addr = {ptr[31:2], 2'b00};
        mem_be = state == S_WRITE ? wr_be : 4'hF;
        mem_wdata = wr_data;
    end
    assign irq = done;
    assign state_o = state;
    assign array_active = state == S_ROW && mem_gnt;

    // ---- registers: read -----------------------------------------------------------------
    always_comb begin
        case (reg_addr)
            R_A: reg_rdata = a_addr;
            R_B: reg_rdata = b_addr;
            R_BIAS: reg_rdata = bias_addr;
            R_C: reg_rdata = c_addr;
            R_M: reg_rdata = dim_m;
            R_N: reg_rdata = dim_n;
            R_K: reg_rdata = dim_k;
            R_LDA: reg_rdata = lda;
            R_LDB: reg_rdata = ldb;
            R_LDC: reg_rdata = ldc;
            R_QMUL: reg_rdata = qmul;
            R_QSHIFT: reg_rdata = qshift;
            R_QZERO: reg_rdata = qzero;
            R_CTRL: reg_rdata = ctrl;
            R_STATUS: reg_rdata = {16'd0, error_code, 5'd0, error, done, busy};
            R_CYCLES: reg_rdata = cycles;
            R_STALLS: reg_rdata = stalls;
            R_ACTIVE: reg_rdata = active;
            R_CONFIG: reg_rdata = {16'(KMAX), 16'(LANES)};
            default: reg_rdata = 32'd0;
        endcase
    end

    // Lanes of the pass starting at column `first`.
    function automatic logic [LB-1:0] lanes_from(input logic [31:0] first);
        lanes_from = (dim_n - first < LANES) ? LB'(dim_n - first) : LB'(LANES);
    endfunction

    // ---- the state machine -------------------------------------------------------------
    always_ff @(posedge clk) begin
        if (!rst_n) begin
            state <= S_IDLE;
            {a_addr, b_addr, bias_addr, c_addr, dim_m, dim_n, dim_k, lda, ldb, ldc} <= '0;
            {qmul, qshift, qzero, ctrl} <= '0;
            {done, error, error_code, cycles, stalls, active} <= '0;
            {n0, m_i, act, lane, kw, ptr, row_ptr, c_row} <= '0;
        end else begin
            if (busy) begin
                cycles <= cycles + 1;
                if (mem_req && !mem_gnt) stalls <= stalls + 1;
                if (array_active) active <= active + 1;
            end
            if (reg_write && !busy) begin
                case (reg_addr)
                    R_A: a_addr <= reg_wdata;
                    R_B: b_addr <= reg_wdata;
                    R_BIAS: bias_addr <= reg_wdata;
                    R_C: c_addr <= reg_wdata;
                    R_M: dim_m <= reg_wdata;
                    R_N: dim_n <= reg_wdata;
                    R_K: dim_k <= reg_wdata;
                    R_LDA: lda <= reg_wdata;
                    R_LDB: ldb <= reg_wdata;
                    R_LDC: ldc <= reg_wdata;
                    R_QMUL: qmul <= reg_wdata;
                    R_QSHIFT: qshift <= reg_wdata;
                    R_QZERO: qzero <= reg_wdata;
                    R_CTRL: ctrl <= reg_wdata;
                    R_STATUS: done <= 1'b0;  // acknowledge the event
                    R_START: if (reg_wdata[0]) begin
                        state <= S_CHECK;
                        {done, error, error_code, cycles, stalls, active} <= '0;
                    end
                    default: ;
                endcase
            end
            case (state)
                S_IDLE: ;
                S_CHECK: begin
                    if (check_code != E_NONE) begin
                        error <= 1'b1;
                        error_code <= check_code;
                        done <= 1'b1;
                        state <= S_IDLE;
                    end else begin
                        n0 <= 0;
                        act <= lanes_from(0);
                        lane <= 0;
                        ptr <= bias_addr;
                        state <= use_bias ? S_BIAS : S_LOADW;
                        if (!use_bias) begin
                            for (int l = 0; l < LANES; l++) bias_r[l] <= 0;
                            ptr <= b_addr;
                            row_ptr <= b_addr;
                            kw <= 0;
                        end
                    end
                end
                S_BIAS: if (granted) begin
                    bias_r[lane_ix] <= mem_rdata;
                    if (lane == act - 1) begin
                        lane <= 0;
                        kw <= 0;
                        ptr <= b_addr + n0 * ldb;
                        row_ptr <= b_addr + n0 * ldb;
                        state <= S_LOADW;
                    end else begin
                        lane <= lane + 1;
                        ptr <= ptr + 4;
                    end
                end
                S_LOADW: if (granted) begin
                    wbuf[lane_ix][kw_ix] <= mem_rdata;
                    if (kw == KWB'(dim_k[31:2] - 30'd1)) begin
                        kw <= 0;
                        if (lane == act - 1) begin
                            lane <= 0;
                            m_i <= 0;
                            ptr <= a_addr;
                            row_ptr <= a_addr;
                            c_row <= c_addr + n0;
                            for (int l = 0; l < LANES; l++) acc[l] <= bias_r[l];
                            state <= S_ROW;
                        end else begin
                            lane <= lane + 1;
                            ptr <= row_ptr + ldb;
                            row_ptr <= row_ptr + ldb;
                        end
                    end else begin
                        kw <= kw + 1;
                        ptr <= ptr + 4;
                    end
                end
                S_ROW: if (granted) begin
                    for (int l = 0; l < LANES; l++) acc[l] <= mac4(acc[l], mem_rdata, wbuf[l][kw_ix]);
                    if (kw == KWB'(dim_k[31:2] - 30'd1)) begin
                        kw <= 0;
                        state <= S_QUANT;
                    end else begin
                        kw <= kw + 1;
                        ptr <= ptr + 4;
                    end
                end
                S_QUANT: begin
                    for (int l = 0; l < LANES; l++) outb[l] <= requant(acc[l]);
                    lane <= 0;
                    ptr <= c_row;
                    state <= S_WRITE;
                end
                S_WRITE: if (granted) begin
                    if (32'(lane) + 32'(wr_count) < 32'(act)) begin
                        lane <= lane + LB'(wr_count);
                        ptr <= ptr + 32'(wr_count);
                    end else if (m_i + 1 < dim_m) begin  // next row of A
                        lane <= 0;
                        m_i <= m_i + 1;
                        ptr <= row_ptr + lda;
                        row_ptr <= row_ptr + lda;
                        c_row <= c_row + ldc;
                        for (int l = 0; l < LANES; l++) acc[l] <= bias_r[l];
                        state <= S_ROW;
                    end else if (n0 + LANES < dim_n) begin  // next pass
                        n0 <= n0 + LANES;
                        act <= lanes_from(n0 + LANES);
                        lane <= 0;
                        kw <= 0;
                        ptr <= use_bias ? bias_addr + 4 * (n0 + LANES) : b_addr + (n0 + LANES) * ldb;
                        row_ptr <= b_addr + (n0 + LANES) * ldb;
                        state <= use_bias ? S_BIAS : S_LOADW;
                    end else begin
                        done <= 1'b1;
                        state <= S_IDLE;
                    end
                end
                default: state <= S_IDLE;
            endcase
        end
    end
endmodule
