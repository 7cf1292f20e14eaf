// EngineRtl over one Verilated model class V (included by rtl/matrix_engine's
// variants.cpp only, where the generated headers are).
#pragma once
#include <verilated.h>

#include <memory>

#include "engine/direct_signal.h"
#include "engine/engine_rtl.h"

namespace vitsim {

template <typename V>
class VerilatedEngine final : public EngineRtl {
public:
    explicit VerilatedEngine(const char* name)
        : clk_("clk"), rst_n_("rst_n"), reg_write_("reg_write"), mem_req_("mem_req"), mem_we_("mem_we"),
          mem_gnt_("mem_gnt"), irq_("irq"), array_active_("array_active"), reg_addr_("reg_addr"),
          reg_wdata_("reg_wdata"), reg_rdata_("reg_rdata"), mem_base_("mem_base"), mem_size_("mem_size"),
          mem_addr_("mem_addr"), mem_be_("mem_be"), mem_wdata_("mem_wdata"), mem_rdata_("mem_rdata"),
          state_("state_o") {
        model_ = std::make_unique<V>(name);
        model_->clk(clk_);
        model_->rst_n(rst_n_);
        model_->reg_write(reg_write_);
        model_->reg_addr(reg_addr_);
        model_->reg_wdata(reg_wdata_);
        model_->reg_rdata(reg_rdata_);
        model_->mem_base(mem_base_);
        model_->mem_size(mem_size_);
        model_->mem_req(mem_req_);
        model_->mem_we(mem_we_);
        model_->mem_addr(mem_addr_);
        model_->mem_be(mem_be_);
        model_->mem_wdata(mem_wdata_);
        model_->mem_gnt(mem_gnt_);
        model_->mem_rdata(mem_rdata_);
        model_->irq(irq_);
        model_->state_o(state_);
        model_->array_active(array_active_);
    }

    void set_memory_window(uint32_t base, uint32_t size) override {
        mem_base_.write(base);
        mem_size_.write(size);
    }
    void reset() override {
        rst_n_.write(false);
        edge();
        rst_n_.write(true);
    }
    uint32_t read_register(uint32_t offset) override {
        reg_addr_.write(offset);
        evaluate();
        return reg_rdata_.read();
    }
    void write_register(uint32_t offset, uint32_t value) override {
        reg_addr_.write(offset);
        reg_wdata_.write(value);
        reg_write_.write(true);
        edge();
        reg_write_.write(false);
    }
    void clock(bool gnt, uint32_t rdata) override {
        mem_gnt_.write(gnt);
        mem_rdata_.write(rdata);
        edge();
        mem_gnt_.write(false);
    }
    const EnginePins& pins() const override { return pins_; }

private:
    // The model's SC_METHOD runs on the clock's event before this thread resumes
    // (same evaluation phase; the thread waits for the next delta). SystemC thread
    // context only: the wrapper never calls this during elaboration.
    void evaluate() {
        clk_.changed();
        sc_core::wait(sc_core::SC_ZERO_TIME);
    }

    // One rising edge: the low phase evaluates the inputs, the high phase the flops.
    void edge() {
        clk_.write(false);
        evaluate();
        clk_.write(true);
        evaluate();
        pins_.req = mem_req_.read();
        pins_.we = mem_we_.read();
        pins_.addr = mem_addr_.read();
        pins_.be = mem_be_.read();
        pins_.wdata = mem_wdata_.read();
        pins_.irq = irq_.read();
        pins_.state = state_.read();
    }

    DirectSignal<bool> clk_, rst_n_, reg_write_, mem_req_, mem_we_, mem_gnt_, irq_, array_active_;
    DirectSignal<uint32_t> reg_addr_, reg_wdata_, reg_rdata_, mem_base_, mem_size_, mem_addr_, mem_be_, mem_wdata_,
        mem_rdata_, state_;
    std::unique_ptr<V> model_;
    EnginePins pins_;
};

}  // namespace vitsim
