#include "deploy/reference.h"

#include <algorithm>
#include <cmath>

#include "deploy/errors.h"

namespace vitsim::deploy {
namespace {

using Vec = std::vector<double>;

const Vec& param(const FloatParams& params, const std::string& name) {
    const auto it = params.find(name);
    if (it == params.end()) throw InternalError("float reference: no parameter '" + name + "'");
    return it->second;
}

double max_abs(const Vec& v) {
    double m = 0;
    for (double x : v) m = std::max(m, std::fabs(x));
    return m;
}

// y[t][o] = b[o] + sum_i x[t][i] * w[o][i]; x [tokens][in], w [out][in].
Vec matmul_bt(const Vec& x, const Vec& w, const Vec* b, int tokens, int in, int out) {
    Vec y(static_cast<size_t>(tokens) * out);
    for (int t = 0; t < tokens; t++) {
        const double* xr = &x[static_cast<size_t>(t) * in];
        for (int o = 0; o < out; o++) {
            const double* wr = &w[static_cast<size_t>(o) * in];
            double acc = b ? (*b)[o] : 0.0;
            for (int i = 0; i < in; i++) acc += xr[i] * wr[i];
            y[static_cast<size_t>(t) * out + o] = acc;
        }
    }
    return y;
}

double gelu(double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); }

class Forward {
public:
    Forward(const Graph& g, const FloatParams& p, bool keep, bool fused_points)
        : g_(g), p_(p), keep_(keep), fused_points_(fused_points) {}

    ReferenceResult run(const Vec& input) {
        values_[g_.input] = input;
        note(g_.input, input);
        for (const auto& n : g_.nodes) {
            Vec y = node(n);
            note(n.name, y);
            values_[n.name] = std::move(y);
            release_dead_inputs(n);
        }
        result_.output = values_.at(g_.output);
        if (keep_) result_.tensors = kept_;
        return std::move(result_);
    }

private:
    void note(const std::string& scale_name, const Vec& v) {
        result_.max_abs[scale_name] = std::max(result_.max_abs[scale_name], max_abs(v));
        if (keep_) kept_[scale_name] = v;
    }

    // Keeps memory bounded on the large networks: a tensor is dropped after its
    // last reader.
    void release_dead_inputs(const Node& done) {
        for (const auto& name : done.inputs) {
            if (name == g_.output) continue;
            bool used_later = false, after = false;
            for (const auto& n : g_.nodes) {
                if (&n == &done) {
                    after = true;
                    continue;
                }
                if (after && std::find(n.inputs.begin(), n.inputs.end(), name) != n.inputs.end()) used_later = true;
            }
            if (!used_later) values_.erase(name);
        }
    }

    Vec node(const Node& n) {
        const Vec& x = values_.at(n.inputs[0]);
        switch (n.kind) {
        case NodeKind::PatchEmbed: return patch_embed(n, x);
        case NodeKind::Linear: return linear(n, x);
        case NodeKind::ClassToken: {
            Vec y = param(p_, n.name + ".token");
            y.insert(y.end(), x.begin(), x.end());
            return y;
        }
        case NodeKind::PosAdd: {
            Vec y = x;
            const Vec& table = param(p_, n.name + ".table");
            for (size_t i = 0; i < y.size(); i++) y[i] += table[i];
            return y;
        }
        case NodeKind::LayerNorm: return layer_norm(n, x);
        case NodeKind::Mhsa: return mhsa(n, x);
        case NodeKind::Add: {
            Vec y = x;
            const Vec& b = values_.at(n.inputs[1]);
            for (size_t i = 0; i < y.size(); i++) y[i] += b[i];
            return y;
        }
        case NodeKind::MeanPool: {
            const int rows = n.in_shape.rows, cols = n.in_shape.cols;
            Vec y(cols, 0.0);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++) y[c] += x[static_cast<size_t>(r) * cols + c];
            for (double& v : y) v /= rows;
            return y;
        }
        case NodeKind::SelectRow: return Vec(x.begin(), x.begin() + n.in_shape.cols);
        }
        throw InternalError("float reference: unknown node kind");
    }

    Vec patch_embed(const Node& n, const Vec& x) {
        const Vec& w = param(p_, n.name + ".weight");
        const Vec& b = param(p_, n.name + ".bias");
        const int p = n.patch, c = n.channels, grid_w = n.width / p, depth = p * p * c;
        Vec cols(static_cast<size_t>(n.tokens) * depth);
        for (int t = 0; t < n.tokens; t++) {
            const int y0 = t / grid_w * p, x0 = t % grid_w * p;
            for (int ky = 0; ky < p; ky++)
                for (int kx = 0; kx < p; kx++)
                    for (int ch = 0; ch < c; ch++)
                        cols[static_cast<size_t>(t) * depth + (ky * p + kx) * c + ch] =
                            x[(static_cast<size_t>(y0 + ky) * n.width + x0 + kx) * c + ch];
        }
        return matmul_bt(cols, w, &b, n.tokens, depth, n.out_features);
    }

    Vec linear(const Node& n, const Vec& x) {
        const Vec& w = param(p_, n.name + ".weight");
        const Vec* b = n.has_bias ? &param(p_, n.name + ".bias") : nullptr;
        Vec y = matmul_bt(x, w, b, n.tokens, n.in_features, n.out_features);
        if (n.gelu) {
            note(n.name + ":pre_gelu", y);
            for (double& v : y) v = gelu(v);
        }
        return y;
    }

    Vec layer_norm(const Node& n, const Vec& x) {
        const Vec& gamma = param(p_, n.name + ".gamma");
        const Vec& beta = param(p_, n.name + ".beta");
        const int cols = n.in_shape.cols;
        Vec y(static_cast<size_t>(n.ln_rows) * cols);
        for (int r = 0; r < n.ln_rows; r++) {
            const double* xr = &x[static_cast<size_t>(r) * cols];
            double mean = 0, var = 0;
            for (int c = 0; c < cols; c++) mean += xr[c];
            mean /= cols;
            for (int c = 0; c < cols; c++) var += (xr[c] - mean) * (xr[c] - mean);
            var /= cols;
            const double inv = 1.0 / std::sqrt(var + n.eps);
            for (int c = 0; c < cols; c++)
                y[static_cast<size_t>(r) * cols + c] = (xr[c] - mean) * inv * gamma[c] + beta[c];
        }
        return y;
    }

    // Per head h (rows h*P.. of Wq/Wk/Wv): softmax(Q K^T / sqrt(P)) V, then the
    // output projection over the concatenated heads. Also the FWSA form's
    // T = X (Wk^T Wq)^T + Wk^T bq and T X^T / sqrt(P), for calibration only.
    Vec mhsa(const Node& n, const Vec& x) {
        const int s = n.seq, e = n.in_shape.cols, p = n.head_dim, h_count = n.heads, hp = h_count * p;
        const Vec& wq = param(p_, n.name + ".wq");
        const Vec& wk = param(p_, n.name + ".wk");
        const Vec& wv = param(p_, n.name + ".wv");
        const Vec& bq = param(p_, n.name + ".bq");
        const Vec& bk = param(p_, n.name + ".bk");
        const Vec& bv = param(p_, n.name + ".bv");
        const Vec q = matmul_bt(x, wq, &bq, s, e, hp);
        const Vec k = matmul_bt(x, wk, &bk, s, e, hp);
        const Vec v = matmul_bt(x, wv, &bv, s, e, hp);
        note(n.name + ":q", q);
        note(n.name + ":k", k);
        note(n.name + ":v", v);
        const double inv_sqrt_p = 1.0 / std::sqrt(static_cast<double>(p));
        Vec context(static_cast<size_t>(s) * hp, 0.0);
        Vec scores(static_cast<size_t>(s) * s), row(s);
        double scores_max = 0;
        for (int h = 0; h < h_count; h++) {
            for (int i = 0; i < s; i++) {
                double top = -INFINITY;
                for (int j = 0; j < s; j++) {
                    double acc = 0;
                    for (int d = 0; d < p; d++)
                        acc += q[static_cast<size_t>(i) * hp + h * p + d] * k[static_cast<size_t>(j) * hp + h * p + d];
                    row[j] = acc * inv_sqrt_p;
                    scores_max = std::max(scores_max, std::fabs(row[j]));
                    top = std::max(top, row[j]);
                }
                double sum = 0;
                for (int j = 0; j < s; j++) sum += (row[j] = std::exp(row[j] - top));
                for (int d = 0; d < p; d++) {
                    double acc = 0;
                    for (int j = 0; j < s; j++) acc += row[j] / sum * v[static_cast<size_t>(j) * hp + h * p + d];
                    context[static_cast<size_t>(i) * hp + h * p + d] = acc;
                }
            }
        }
        result_.max_abs[n.name + ":scores"] = std::max(result_.max_abs[n.name + ":scores"], scores_max);
        note(n.name + ":context", context);
        if (fused_points_) fused_points(n, x, wq, wk, bq, inv_sqrt_p);
        const Vec& wo = param(p_, n.name + ".wo");
        const Vec* bo = n.has_out_bias ? &param(p_, n.name + ".bo") : nullptr;
        return matmul_bt(context, wo, bo, s, hp, e);
    }

    void fused_points(const Node& n, const Vec& x, const Vec& wq, const Vec& wk, const Vec& bq, double inv_sqrt_p) {
        const int s = n.seq, e = n.in_shape.cols, p = n.head_dim;
        double t_max = 0, sf_max = 0;
        Vec wf(static_cast<size_t>(e) * e), bf(e), t;
        for (int h = 0; h < n.heads; h++) {
            for (int f = 0; f < e; f++) {
                for (int i = 0; i < e; i++) {
                    double acc = 0;
                    for (int d = 0; d < p; d++)
                        acc += wk[static_cast<size_t>(h * p + d) * e + f] * wq[static_cast<size_t>(h * p + d) * e + i];
                    wf[static_cast<size_t>(f) * e + i] = acc;
                }
                double acc = 0;
                for (int d = 0; d < p; d++) acc += wk[static_cast<size_t>(h * p + d) * e + f] * bq[h * p + d];
                bf[f] = acc;
            }
            t = matmul_bt(x, wf, &bf, s, e, e);
            t_max = std::max(t_max, max_abs(t));
            for (int i = 0; i < s; i++)
                for (int j = 0; j < s; j++) {
                    double acc = 0;
                    for (int f = 0; f < e; f++) acc += t[static_cast<size_t>(i) * e + f] * x[static_cast<size_t>(j) * e + f];
                    sf_max = std::max(sf_max, std::fabs(acc * inv_sqrt_p));
                }
        }
        result_.max_abs[n.name + ":t"] = std::max(result_.max_abs[n.name + ":t"], t_max);
        result_.max_abs[n.name + ":scores_fused"] = std::max(result_.max_abs[n.name + ":scores_fused"], sf_max);
    }

    const Graph& g_;
    const FloatParams& p_;
    bool keep_;
    bool fused_points_;
    std::map<std::string, Vec> values_;
    std::map<std::string, Vec> kept_;
    ReferenceResult result_;
};

}  // namespace

ReferenceResult float_forward(const Graph& graph, const FloatParams& params, const std::vector<double>& input,
                              bool keep_tensors, bool fused_points) {
    if (static_cast<int64_t>(input.size()) != graph.input_shape.bytes())
        throw InternalError("float reference: input has " + std::to_string(input.size()) + " values, network '" +
                            graph.name + "' needs " + std::to_string(graph.input_shape.bytes()));
    return Forward(graph, params, keep_tensors, fused_points).run(input);
}

QuantError quantization_error(const std::vector<int8_t>& output, double output_scale,
                              const std::vector<double>& reference) {
    QuantError e;
    if (output.size() != reference.size() || output.empty()) return e;
    double sq = 0, ref_sq = 0;
    size_t arg_q = 0, arg_r = 0;
    for (size_t i = 0; i < output.size(); i++) {
        const double d = output[i] * output_scale - reference[i];
        e.max_abs = std::max(e.max_abs, std::fabs(d));
        sq += d * d;
        ref_sq += reference[i] * reference[i];
        if (output[i] > output[arg_q]) arg_q = i;
        if (reference[i] > reference[arg_r]) arg_r = i;
    }
    e.rms = std::sqrt(sq / output.size());
    e.relative_rms = ref_sq > 0 ? e.rms / std::sqrt(ref_sq / output.size()) : 0;
    e.argmax_equal = arg_q == arg_r;
    return e;
}

}  // namespace vitsim::deploy
