#!/usr/bin/python3
"""Writes the PyTorch reference fixtures in tests/fixtures/ that the C++ and Node tests compare the engine against.

Run with Debian's interpreter, which has python3-torch (the pyenv/venv `python3` on PATH usually has no torch):

    /usr/bin/python3 scripts/make-fixtures.py          # or ./scripts/make-fixtures.py (the shebang is /usr/bin/python3)

Needs: apt-get install python3-torch python3-numpy. The output is deterministic (fixed seeds, CPU, float32), so
re-running it rewrites identical files; the tests themselves never need torch.

Files:
  conv_transpose2d.json  seed cases from the questions people asked plus random valid configurations, with torch's output
  conv2d_gradient.json   conv2d forward cases with an upstream gradient g and autograd's x.grad (the gradient question)
  invalid.json           configurations torch rejects, with torch's own error text and the parameter to blame
  conv_transpose_nd.json every other framework's vocabulary: conv_transpose1d and 3d, bias (the output_padding strip
                         included), unbatched inputs, output_size in both forms, empty batches, per-side padding and
                         'same' / 'same_lower' / 'valid' (torch's padding-0 result cropped or extended per side), and
                         ONNX's own published ConvTranspose test vectors, each with its source
"""
import json
import os
import random
import sys

import numpy as np
import torch
import torch.nn.functional as F

SEED = 20240601
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "tests", "fixtures")
COMMAND = "/usr/bin/python3 scripts/make-fixtures.py"
MAX_OUTPUT_ELEMENTS = 2000

torch.use_deterministic_algorithms(True)
torch.set_num_threads(1)  # one summation order, so reruns give identical bytes


def f32_list(tensor):
    """Float32 values as JSON numbers that parse back to exactly the same float32.

    Each value is written in the shortest decimal form that names its float32 (as numpy prints it); reading that
    decimal as a double and rounding to float (what C++'s static_cast<float>, JS's Float32Array and numpy do) gives
    the same float32. It is checked value by value; on a mismatch the exact double value of the float32 is written
    instead, which always round-trips.
    """
    values = []
    for v in tensor.detach().to(torch.float32).reshape(-1).numpy():
        short = float(str(v))
        values.append(short if np.float32(short) == v else float(v))
    return values


def tensor_json(tensor):
    return {"shape": list(tensor.shape), "data": f32_list(tensor)}


def header(seed, note):
    return {
        "generated_by": "scripts/make-fixtures.py",
        "command": COMMAND,
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "seed": seed,
        "note": note,
    }


def sample_values(gen, shape, kind):
    """Small integers (exact in float32, easy to read on the page) or standard normals, both rounded to float32."""
    if kind == "int":
        return torch.randint(-3, 4, shape, generator=gen).to(torch.float32)
    return torch.randn(shape, generator=gen, dtype=torch.float32)


def transposed_case(name, x, w, stride=(1, 1), padding=(0, 0), output_padding=(0, 0), dilation=(1, 1), groups=1):
    x = x.to(torch.float32)
    w = w.to(torch.float32)
    y = F.conv_transpose2d(x, w, stride=tuple(stride), padding=tuple(padding), output_padding=tuple(output_padding),
                           groups=groups, dilation=tuple(dilation))
    return {
        "name": name,
        "input": tensor_json(x),
        "weight": tensor_json(w),
        "stride": list(stride),
        "padding": list(padding),
        "output_padding": list(output_padding),
        "dilation": list(dilation),
        "groups": groups,
        "output": tensor_json(y),
    }


def out_size(n, k, s, p, op, d):
    return (n - 1) * s - 2 * p + d * (k - 1) + op + 1


# --------------------------------------------------------------------------------------------------------------------
# conv_transpose2d.json
# --------------------------------------------------------------------------------------------------------------------

def question_transposed_cases():
    cases = []
    # the corner question: 4x4 ones, weight 1..16, ConvTranspose2d(1, 1, 4, stride 2, padding 1) -> the printed 8x8.
    y = transposed_case("corner_question_ones4x4_k4_stride2_padding1", torch.ones(1, 1, 4, 4),
                        torch.arange(1, 17, dtype=torch.float32).reshape(1, 1, 4, 4), stride=(2, 2), padding=(1, 1))
    expected = [[6, 12, 14, 12, 14, 12, 14, 7], [12, 24, 28, 24, 28, 24, 28, 14],
                [20, 40, 44, 40, 44, 40, 44, 22], [12, 24, 28, 24, 28, 24, 28, 14],
                [20, 40, 44, 40, 44, 40, 44, 22], [12, 24, 28, 24, 28, 24, 28, 14],
                [20, 40, 44, 40, 44, 40, 44, 22], [10, 20, 22, 20, 22, 20, 22, 11]]
    assert y["output"]["data"] == [float(v) for row in expected for v in row], "the corner question's output does not match the post"
    cases.append(y)
    # the corner question's picture: 2x2 input [[2,4],[0,1]], kernel [[3,1],[1,5]], stride 1 -> 3x3 sum of four stamps.
    y = transposed_case("corner_question_picture_2x2_input_2x2_kernel", torch.tensor([[[[2., 4.], [0., 1.]]]]),
                        torch.tensor([[[[3., 1.], [1., 5.]]]]))
    assert y["output"]["data"] == [6., 14., 4., 2., 17., 21., 0., 1., 5.]
    cases.append(y)
    # the output_padding question: stride 2, padding 0, output_padding 1, 3x3 kernel, 2x2 input -> 6x6; the article's integer
    # version (input 0..3, kernel 0..8) and its random multi-channel version (5 x 3 x 2 x 2 input, 3 x 1 x 3 x 3 kernel).
    y = transposed_case("output_padding_question_stride2_output_padding1_integers", torch.arange(4.).reshape(1, 1, 2, 2),
                        torch.arange(9.).reshape(1, 1, 3, 3), stride=(2, 2), output_padding=(1, 1))
    assert y["output"]["data"][:18] == [0., 0., 0., 1., 2., 0., 0., 0., 3., 4., 5., 0., 0., 2., 10., 10., 14., 0.]
    cases.append(y)
    gen = torch.Generator().manual_seed(SEED + 3)
    cases.append(transposed_case("output_padding_question_stride2_output_padding1_batch5_channels3",
                                 torch.rand(5, 3, 2, 2, generator=gen), torch.rand(3, 1, 3, 3, generator=gen),
                                 stride=(2, 2), output_padding=(1, 1)))
    # the output_padding question's ambiguity: stride 2, padding 1, kernel 3 maps inputs of size 3 and 4 to size 2, so the
    # transposed convolution of a 2x2 input is 3x3 (output_padding 0) or 4x4 (output_padding 1).
    x = torch.arange(1., 5.).reshape(1, 1, 2, 2)
    w = torch.arange(1., 10.).reshape(1, 1, 3, 3)
    for op in (0, 1):
        cases.append(transposed_case(f"output_padding_question_ambiguous_stride2_padding1_k3_output_padding{op}", x, w, stride=(2, 2),
                                     padding=(1, 1), output_padding=(op, op)))
    # the gradient question: x = 1..16 as 4x4, w = a 3x3 torch.rand; y = conv2d(x, w) is 2x2. Its transposed cases:
    #  conv_transpose2d(ones 2x2, w) is x.grad (the upstream gradient is ones), conv_transpose2d(y, w) is Cᵀ·vec(y)
    #  (what the asker computed), and both equal conv2d with the 180°-rotated kernel and padding 2 (section 4.3).
    x0, w0 = gradient_question_tensors()
    y0 = F.conv2d(x0, w0)
    cases.append(transposed_case("gradient_question_conv_transpose_of_ones_is_x_grad", torch.ones_like(y0), w0))
    cases.append(transposed_case("gradient_question_conv_transpose_of_y", y0, w0))
    return cases


def gradient_question_tensors():
    """The tensors of the gradient question (and 001): x = arange(1, 17) as 4x4, w = torch.rand(3, 3) under a fixed seed."""
    gen = torch.Generator().manual_seed(SEED)
    x = torch.arange(1, 17, dtype=torch.float32).reshape(1, 1, 4, 4)
    w = torch.rand(3, 3, generator=gen).reshape(1, 1, 3, 3)
    return x, w


# Each random configuration is drawn with one "flavour" in turn so that every feature the issue names is covered
# many times, whatever the random draws do.
FLAVOURS = ["plain", "non_square", "dilation", "groups", "batch", "output_padding", "big_padding", "stride_gt_kernel",
            "kernel_1x1", "input_1x1", "everything"]


def random_config(rng, flavour):
    groups = rng.choice([1, 2, 3, 4]) if flavour in ("groups", "everything") else rng.choice([1, 1, 1, 2])
    cin = groups * rng.randint(1, 2 if groups > 2 else 3)
    cout = groups * rng.randint(1, 2 if groups > 2 else 3)
    n = rng.randint(2, 3) if flavour in ("batch", "everything") else rng.randint(1, 2)
    cfg = {}
    for axis in ("h", "w"):
        k = rng.randint(1, 5)
        size = rng.randint(1, 6)
        s = rng.randint(1, 4)
        d = rng.randint(1, 3) if flavour in ("dilation", "everything", "output_padding") else rng.choice([1, 1, 2])
        if flavour == "kernel_1x1":
            k = 1
        if flavour == "input_1x1":
            size = 1
        if flavour == "stride_gt_kernel":
            k = rng.randint(1, 3)
            s = rng.randint(k + 1, k + 3)
        if flavour == "non_square" and axis == "w":
            # different size, kernel, stride and dilation from the height axis
            size = rng.choice([v for v in range(1, 8) if v != cfg["size_h"]])
            k = rng.choice([v for v in range(1, 6) if v != cfg["k_h"]])
            s = rng.choice([v for v in range(1, 4) if v != cfg["s_h"]])
        top = max(s, d) - 1
        if flavour in ("output_padding", "everything"):
            op = top if rng.random() < 0.6 else rng.randint(0, top)
        else:
            op = rng.randint(0, top) if rng.random() < 0.3 else 0
        reach = d * (k - 1)
        if flavour == "big_padding":
            p = reach + rng.randint(1, 3)
        else:
            p = rng.randint(0, reach + (1 if rng.random() < 0.2 else 0))
        # Shrink padding until the output is non-empty; PyTorch rejects an empty output.
        while p > 0 and out_size(size, k, s, p, op, d) < 1:
            p -= 1
        cfg.update({f"size_{axis}": size, f"k_{axis}": k, f"s_{axis}": s, f"d_{axis}": d, f"op_{axis}": op,
                    f"p_{axis}": p})
    return n, cin, cout, groups, cfg


def random_transposed_cases(count):
    rng = random.Random(SEED)
    gen = torch.Generator().manual_seed(SEED)
    cases = []
    attempt = 0
    while len(cases) < count:
        flavour = FLAVOURS[len(cases) % len(FLAVOURS)]
        attempt += 1
        n, cin, cout, groups, c = random_config(rng, flavour)
        oh = out_size(c["size_h"], c["k_h"], c["s_h"], c["p_h"], c["op_h"], c["d_h"])
        ow = out_size(c["size_w"], c["k_w"], c["s_w"], c["p_w"], c["op_w"], c["d_w"])
        if oh < 1 or ow < 1 or n * cout * oh * ow > MAX_OUTPUT_ELEMENTS:
            continue
        if flavour == "big_padding" and not (c["p_h"] > c["d_h"] * (c["k_h"] - 1) or
                                             c["p_w"] > c["d_w"] * (c["k_w"] - 1)):
            continue
        kind = "int" if len(cases) % 3 == 0 else "normal"
        x = sample_values(gen, (n, cin, c["size_h"], c["size_w"]), kind)
        w = sample_values(gen, (cin, cout // groups, c["k_h"], c["k_w"]), kind)
        name = f"random_{len(cases):03d}_{flavour}_{kind}"
        cases.append(transposed_case(name, x, w, stride=(c["s_h"], c["s_w"]), padding=(c["p_h"], c["p_w"]),
                                     output_padding=(c["op_h"], c["op_w"]), dilation=(c["d_h"], c["d_w"]),
                                     groups=groups))
    return cases


def coverage(cases):
    """Counts of the features the issue asks the random cases to cover; asserted so a generator change cannot
    silently drop one."""
    def axes(c, key):
        return c[key]

    counts = {
        "non_square_input": 0, "non_square_kernel": 0, "dilation_gt_1": 0, "dilation_3": 0, "groups_gt_1": 0,
        "groups_3_or_4": 0, "batch_gt_1": 0, "output_padding_gt_0": 0, "output_padding_at_max": 0,
        "padding_gt_reach": 0, "stride_gt_kernel": 0, "kernel_1x1": 0, "input_1x1": 0, "stride_gt_dilation_op": 0,
        "dilation_gt_stride_op": 0,
    }
    for c in cases:
        ish, wsh = c["input"]["shape"], c["weight"]["shape"]
        s, p, op, d = axes(c, "stride"), axes(c, "padding"), axes(c, "output_padding"), axes(c, "dilation")
        counts["non_square_input"] += ish[2] != ish[3]
        counts["non_square_kernel"] += wsh[2] != wsh[3]
        counts["dilation_gt_1"] += max(d) > 1
        counts["dilation_3"] += max(d) == 3
        counts["groups_gt_1"] += c["groups"] > 1
        counts["groups_3_or_4"] += c["groups"] >= 3
        counts["batch_gt_1"] += ish[0] > 1
        counts["output_padding_gt_0"] += max(op) > 0
        counts["output_padding_at_max"] += any(op[a] == max(s[a], d[a]) - 1 > 0 for a in (0, 1))
        counts["padding_gt_reach"] += any(p[a] > d[a] * (wsh[2 + a] - 1) for a in (0, 1))
        counts["stride_gt_kernel"] += any(s[a] > wsh[2 + a] for a in (0, 1))
        counts["kernel_1x1"] += wsh[2] == wsh[3] == 1
        counts["input_1x1"] += ish[2] == ish[3] == 1
        # output_padding allowed only because dilation exceeds stride (or the other way round)
        counts["dilation_gt_stride_op"] += any(op[a] >= s[a] for a in (0, 1))
        counts["stride_gt_dilation_op"] += any(op[a] >= d[a] for a in (0, 1))
    return counts


def write_transposed():
    questions = question_transposed_cases()
    randoms = random_transposed_cases(165)
    counts = coverage(randoms)
    for key, value in counts.items():
        assert value >= 5, f"random cases cover {key} only {value} times"
    doc = header(SEED, "Reference outputs of torch.nn.functional.conv_transpose2d on CPU in float32. The first cases come "
                 "from the gradient question, 002 and 003; the random cases cycle through flavours " + ", ".join(FLAVOURS) +
                 " so that non-square shapes, dilation up to 3, groups 1..4, N up to 3, output_padding up to "
                 "max(stride, dilation)-1, padding larger than dilation*(k-1), stride larger than the kernel, 1x1 "
                 "kernels and 1x1 inputs all occur. Values are small integers or standard normals; every number is a "
                 "float32 written in a decimal form that parses back to the same float32. Weight layout is "
                 "PyTorch's [Cin, Cout/groups, kH, kW]; each pair is [height, width].")
    doc["coverage"] = counts
    doc["cases"] = questions + randoms
    return doc


# --------------------------------------------------------------------------------------------------------------------
# conv2d_gradient.json
# --------------------------------------------------------------------------------------------------------------------

def gradient_case(name, x, w, g=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1), groups=1):
    x = x.clone().to(torch.float32).requires_grad_(True)
    y = F.conv2d(x, w, stride=tuple(stride), padding=tuple(padding), dilation=tuple(dilation), groups=groups)
    if g is None:
        g = torch.ones_like(y)
    y.backward(g)
    # The identity the page shows: the input gradient is the transposed convolution of g with the same weight,
    # output_padding being the remainder conv2d's floor dropped. Checked here against autograd.
    output_padding = [(x.shape[2 + a] + 2 * padding[a] - dilation[a] * (w.shape[2 + a] - 1) - 1) % stride[a]
                      for a in (0, 1)]
    via_transpose = F.conv_transpose2d(g, w, stride=tuple(stride), padding=tuple(padding),
                                       output_padding=tuple(output_padding), groups=groups, dilation=tuple(dilation))
    assert via_transpose.shape == x.shape and torch.allclose(via_transpose, x.grad, rtol=1e-5, atol=1e-5), name
    return {
        "name": name,
        "x": tensor_json(x),
        "w": tensor_json(w),
        "stride": list(stride),
        "padding": list(padding),
        "dilation": list(dilation),
        "groups": groups,
        "y": tensor_json(y),
        "g": tensor_json(g),
        "x_grad": tensor_json(x.grad),
        "transposed_output_padding": output_padding,
    }


def write_gradient():
    x0, w0 = gradient_question_tensors()
    seed = gradient_case("gradient_question_x_arange_w_rand_g_ones", x0, w0)
    # What the asker in the gradient question computed: Cᵀ·vec(y), the transposed convolution applied to the forward output
    # y instead of to the upstream gradient g = ones. It is NOT x.grad.
    y0 = F.conv2d(x0, w0)
    ct_y = F.conv_transpose2d(y0, w0)
    assert not torch.allclose(ct_y, torch.tensor(seed["x_grad"]["data"]).reshape(1, 1, 4, 4))
    seed["Ct_times_y"] = tensor_json(ct_y)
    # Section 4.3 of the guide the asker quotes: conv2d(y, w, padding=2) is NOT the transposed convolution; conv2d
    # with the 180°-rotated kernel is.
    seed["conv2d_y_padding2_unrotated"] = tensor_json(F.conv2d(y0, w0, padding=2))
    seed["conv2d_y_padding2_rotated"] = tensor_json(F.conv2d(y0, torch.flip(w0, [2, 3]), padding=2))
    assert torch.allclose(torch.tensor(seed["conv2d_y_padding2_rotated"]["data"]), ct_y.reshape(-1))
    cases = [seed]

    rng = random.Random(SEED + 1)
    gen = torch.Generator().manual_seed(SEED + 1)
    while len(cases) < 61:
        groups = rng.choice([1, 1, 2, 3])
        cin, cout = groups * rng.randint(1, 2), groups * rng.randint(1, 2)
        n = rng.randint(1, 2)
        stride, padding, dilation, size, kernel = [], [], [], [], []
        for _ in (0, 1):
            k, s, d, p = rng.randint(1, 4), rng.randint(1, 3), rng.randint(1, 3), rng.randint(0, 2)
            lowest = max(1, d * (k - 1) + 1 - 2 * p)
            size.append(rng.randint(lowest, lowest + 6))
            stride.append(s), padding.append(p), dilation.append(d), kernel.append(k)
        x = sample_values(gen, (n, cin, size[0], size[1]), "normal")
        w = sample_values(gen, (cout, cin // groups, kernel[0], kernel[1]), "normal")
        out_h = (size[0] + 2 * padding[0] - dilation[0] * (kernel[0] - 1) - 1) // stride[0] + 1
        out_w = (size[1] + 2 * padding[1] - dilation[1] * (kernel[1] - 1) - 1) // stride[1] + 1
        if out_h < 1 or out_w < 1:
            continue
        g = sample_values(gen, (n, cout, out_h, out_w), "normal")
        cases.append(gradient_case(f"random_{len(cases):03d}", x, w, g, stride, padding, dilation, groups))
    assert sum(max(c["transposed_output_padding"]) > 0 for c in cases) >= 10, "too few cases with a floor remainder"
    doc = header(SEED, "conv2d (cross-correlation) cases with an upstream gradient g: x.grad is autograd's gradient of "
                 "sum(conv2d(x, w) * g) with respect to x. The first case is the gradient question (x = 1..16 as "
                 "4x4, w = torch.rand(3, 3) under seed " + str(SEED) + ", g = ones); it also records Ct_times_y = "
                 "conv_transpose2d(y, w), which is what the asker computed and differs from x.grad, and conv2d(y, w, "
                 "padding=2) with the kernel unrotated and rotated 180 degrees (only the rotated one equals "
                 "conv_transpose2d(y, w)). Weight layout is conv2d's [Cout, Cin/groups, kH, kW]. "
                 "transposed_output_padding = (H + 2p - d(k-1) - 1) mod s makes conv_transpose2d(g, w) x-shaped; the "
                 "script checks that it equals x.grad.")
    doc["cases"] = cases
    return doc


# --------------------------------------------------------------------------------------------------------------------
# invalid.json
# --------------------------------------------------------------------------------------------------------------------

def invalid_case(name, parameter, axis, input_shape, weight_shape, stride=(1, 1), padding=(0, 0),
                 output_padding=(0, 0), dilation=(1, 1), groups=1):
    try:
        F.conv_transpose2d(torch.zeros(input_shape), torch.zeros(weight_shape), stride=tuple(stride),
                           padding=tuple(padding), output_padding=tuple(output_padding), groups=groups,
                           dilation=tuple(dilation))
    except RuntimeError as e:
        error = str(e).split("\n")[0]
    else:
        raise AssertionError(f"torch accepted invalid case {name}")
    return {"name": name, "parameter": parameter, "axis": axis, "input_shape": list(input_shape),
            "weight_shape": list(weight_shape), "stride": list(stride), "padding": list(padding),
            "output_padding": list(output_padding), "dilation": list(dilation), "groups": groups,
            "torch_error": error}


def write_invalid():
    x, w = (1, 1, 3, 3), (1, 1, 3, 3)
    c = [
        invalid_case("stride_0_both", "stride", "height", x, w, stride=(0, 0)),
        invalid_case("stride_0_height", "stride", "height", x, w, stride=(0, 2)),
        invalid_case("stride_0_width", "stride", "width", x, w, stride=(2, 0)),
        invalid_case("stride_negative_height", "stride", "height", x, w, stride=(-1, 1)),
        invalid_case("stride_negative_width", "stride", "width", x, w, stride=(1, -3)),
        invalid_case("padding_negative_height", "padding", "height", x, w, padding=(-1, 0)),
        invalid_case("padding_negative_width", "padding", "width", x, w, padding=(0, -2)),
        invalid_case("padding_negative_both", "padding", "height", x, w, padding=(-1, -1)),
        invalid_case("dilation_0_both", "dilation", "height", x, w, dilation=(0, 0)),
        invalid_case("dilation_0_height", "dilation", "height", x, w, dilation=(0, 1)),
        invalid_case("dilation_0_width", "dilation", "width", x, w, dilation=(2, 0)),
        invalid_case("dilation_negative_width", "dilation", "width", x, w, dilation=(1, -1)),
        invalid_case("output_padding_equals_stride_height", "output_padding", "height", x, w, stride=(2, 2),
                     output_padding=(2, 0)),
        invalid_case("output_padding_equals_stride_width", "output_padding", "width", x, w, stride=(2, 3),
                     output_padding=(1, 3)),
        invalid_case("output_padding_1_stride_1_dilation_1", "output_padding", "height", x, w, output_padding=(1, 1)),
        invalid_case("output_padding_exceeds_both", "output_padding", "height", x, w, stride=(2, 2),
                     dilation=(3, 1), output_padding=(3, 0)),
        invalid_case("output_padding_equals_dilation_width", "output_padding", "width", x, w, stride=(1, 1),
                     dilation=(1, 2), output_padding=(0, 2)),
        invalid_case("output_padding_stride_ok_height_not_width", "output_padding", "width", x, w, stride=(3, 1),
                     output_padding=(2, 1)),
        invalid_case("output_padding_negative_height", "output_padding", "height", x, w, stride=(2, 2),
                     output_padding=(-1, 0)),
        invalid_case("output_padding_negative_width", "output_padding", "width", x, w, stride=(2, 2),
                     output_padding=(0, -1)),
        invalid_case("huge_padding_negative_output", "padding", "height", x, w, padding=(10, 10)),
        invalid_case("padding_negative_output_width_only", "padding", "width", x, w, padding=(0, 4)),
        invalid_case("padding_gives_output_0", "padding", "height", (1, 1, 2, 2), (1, 1, 1, 1), padding=(1, 0)),
        invalid_case("padding_gives_output_0_width", "padding", "width", (1, 1, 2, 2), (1, 1, 1, 1), padding=(0, 1)),
        invalid_case("padding_1x1_input_1x1_kernel", "padding", "height", (1, 1, 1, 1), (1, 1, 1, 1), padding=(1, 1)),
        invalid_case("padding_crops_strided_dilated", "padding", "height", (2, 2, 3, 4), (2, 1, 3, 2),
                     stride=(2, 1), dilation=(2, 1), padding=(7, 0)),
        invalid_case("groups_0", "groups", "", (1, 4, 3, 3), (4, 1, 3, 3), groups=0),
        invalid_case("groups_negative", "groups", "", (1, 4, 3, 3), (4, 1, 3, 3), groups=-2),
        invalid_case("groups_3_not_dividing_cin_4", "groups", "", (1, 4, 3, 3), (4, 1, 3, 3), groups=3),
        invalid_case("groups_2_not_dividing_cin_3", "groups", "", (2, 3, 2, 2), (3, 2, 2, 2), groups=2),
        invalid_case("groups_larger_than_cin", "groups", "", (1, 2, 3, 3), (2, 1, 3, 3), groups=4),
        invalid_case("weight_cin_3_input_cin_4", "weight", "", (1, 4, 3, 3), (3, 1, 3, 3)),
        invalid_case("weight_cin_1_input_cin_2", "weight", "", (1, 2, 3, 3), (1, 2, 3, 3)),
        invalid_case("weight_cin_4_input_cin_2_groups_2", "weight", "", (1, 2, 3, 3), (4, 1, 3, 3), groups=2),
        invalid_case("weight_layout_swapped_conv2d_style", "weight", "", (1, 3, 4, 4), (6, 3, 3, 3)),
    ]
    doc = header(None, "Configurations torch.nn.functional.conv_transpose2d rejects (checked by calling it on zero "
                 "tensors; torch_error is the first line of its RuntimeError). parameter is the parameter the engine "
                 "must name (one of stride, padding, output_padding, dilation, groups, weight, input); axis is "
                 "'height', 'width' or '' and is the first axis that breaks the rule. An output that padding "
                 "would make smaller than 1 is blamed on padding. Each case breaks exactly one rule. Weight layout is "
                 "[Cin, Cout/groups, kH, kW]; each pair is [height, width].")
    doc["cases"] = c
    return doc


# --------------------------------------------------------------------------------------------------------------------
# conv_transpose_nd.json
# --------------------------------------------------------------------------------------------------------------------

CONV_TRANSPOSE = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
MODULES = {1: torch.nn.ConvTranspose1d, 2: torch.nn.ConvTranspose2d, 3: torch.nn.ConvTranspose3d}


def same_split(total, lower):
    """The documented rule (cpp/include/tconv/params.hpp): [before, after] of a 'same' crop of `total` cells."""
    if total < 0:
        return [0, total]
    small = total // 2
    return [total - small, small] if lower else [small, total - small]


def crop(y, pads):
    """y [N, C, spatial...] with pads[a] = [before, after] cropped from each spatial axis; a negative `after` extends
    the axis with zeros at the end."""
    for a, (before, after) in enumerate(pads):
        axis = 2 + a
        if after < 0:
            shape = list(y.shape)
            shape[axis] = -after
            y = torch.cat([y, torch.zeros(shape, dtype=y.dtype)], dim=axis)
            after = 0
        y = y.narrow(axis, before, y.shape[axis] - before - after)
    return y


def nd_case(name, source, x, w, bias, options, rank):
    """Runs torch for one request written in the CLI's form (options) and records the expected output.

    Explicit symmetric padding and output_size go to torch directly; per-side pairs and the padding strings are
    computed as torch's padding-0 result cropped (or extended) per side by the documented rule."""
    stride = options.get("stride", 1)
    dilation = options.get("dilation", 1)
    groups = options.get("groups", 1)
    output_padding = options.get("output_padding", 0)
    per_axis = lambda v: list(v) if isinstance(v, list) else [v] * rank
    s, d, op = per_axis(stride), per_axis(dilation), per_axis(output_padding)
    padding = options.get("padding", 0)
    unbatched = x.dim() == rank + 1
    xb = x.unsqueeze(0) if unbatched else x
    k = list(w.shape[2:])
    cout = w.shape[1] * groups
    if isinstance(padding, str) or (isinstance(padding, list) and any(isinstance(p, list) for p in padding)):
        assert "output_size" not in options or isinstance(padding, str)
        y0 = CONV_TRANSPOSE[rank](xb, w, None, stride=s, padding=0, output_padding=op, groups=groups, dilation=d)
        full = list(y0.shape[2:])
        if isinstance(padding, str):
            if padding == "valid":
                pads = [[0, 0] for _ in range(rank)]
            else:
                sizes = options.get("output_size")
                if sizes is not None:
                    sizes = sizes[-rank:]
                targets = sizes if sizes is not None else [xb.shape[2 + a] * s[a] for a in range(rank)]
                pads = [same_split(full[a] - targets[a], padding == "same_lower") for a in range(rank)]
        else:
            pads = [p if isinstance(p, list) else [p, p] for p in padding]
        y = crop(y0, pads)
        if bias is not None:
            y = y + bias.reshape([1, cout] + [1] * rank)
    else:
        p = per_axis(padding)
        pads = [[v, v] for v in p]
        if "output_size" in options:
            module = MODULES[rank](xb.shape[1], cout, k, stride=s, padding=p, dilation=d, groups=groups,
                                   bias=bias is not None)
            with torch.no_grad():
                module.weight.copy_(w)
                if bias is not None:
                    module.bias.copy_(bias)
                # torch takes r sizes or the batched shape; an unbatched request's [Cout, sizes...] is its sizes here
                sizes = options["output_size"][-rank:] if unbatched else options["output_size"]
                y = module(xb, output_size=sizes).detach()
            # the output_padding torch picked, recorded for the C++ tests
            op = [y.shape[2 + a] - ((xb.shape[2 + a] - 1) * s[a] - 2 * p[a] + d[a] * (k[a] - 1) + 1)
                  for a in range(rank)]
        else:
            y = CONV_TRANSPOSE[rank](xb, w, bias, stride=s, padding=p, output_padding=op, groups=groups,
                                     dilation=d)
    if unbatched:
        y = y.squeeze(0)
    case = {"name": name, "source": source, "rank": rank, "input": tensor_json(x), "weight": tensor_json(w)}
    if bias is not None:
        case["bias"] = tensor_json(bias)
    case["options"] = options
    case["resolved"] = {"stride": s, "dilation": d, "padding": pads, "output_padding": op, "groups": groups}
    case["output"] = tensor_json(y)
    return case


TORCH = "torch " + torch.__version__


def nd_cases():
    gen = torch.Generator().manual_seed(SEED + 7)
    rng = random.Random(SEED + 7)
    cases = []

    def values(shape, kind="normal"):
        return sample_values(gen, tuple(shape), kind)

    # conv_transpose1d: audio-style upsampling and the forms the issue names.
    x = values([2, 3, 6])
    w = values([3, 2, 4])
    b = values([2])
    cases.append(nd_case("conv_transpose1d_k4_s2_p1_bias", TORCH + " conv_transpose1d", x, w, b,
                         {"stride": 2, "padding": 1}, 1))
    cases.append(nd_case("conv_transpose1d_output_padding_strip_gets_bias", TORCH + " conv_transpose1d", x, w, b,
                         {"stride": 3, "padding": 0, "output_padding": 2}, 1))
    cases.append(nd_case("conv_transpose1d_unbatched", TORCH + " conv_transpose1d, unbatched [C, L]",
                         values([3, 5]), w, None, {"stride": 2}, 1))
    cases.append(nd_case("conv_transpose1d_output_size_sizes", TORCH + " ConvTranspose1d.forward(x, output_size)", x,
                         w, b, {"stride": 3, "padding": 1, "output_size": [19]}, 1))
    cases.append(nd_case("conv_transpose1d_output_size_full_shape",
                         TORCH + " ConvTranspose1d.forward(x, output_size)", x, w, None,
                         {"stride": 2, "padding": 1, "output_size": [2, 2, 13]}, 1))
    cases.append(nd_case("conv_transpose1d_groups_dilation", TORCH + " conv_transpose1d", values([1, 4, 5]),
                         values([4, 1, 3]), values([2]), {"stride": 2, "dilation": 2, "groups": 2, "padding": 2}, 1))
    cases.append(nd_case("conv_transpose1d_empty_batch", TORCH + " conv_transpose1d, N = 0", values([0, 3, 6]), w, b,
                         {"stride": 2, "padding": 1}, 1))
    cases.append(nd_case("conv_transpose1d_per_side_padding", TORCH + " conv_transpose1d padding 0, cropped per side",
                         x, w, b, {"stride": 2, "padding": [[1, 2]]}, 1))
    cases.append(nd_case("conv_transpose1d_same", TORCH + " conv_transpose1d padding 0, cropped by the 'same' rule",
                         x, w, b, {"stride": 2, "padding": "same"}, 1))
    cases.append(nd_case("conv_transpose1d_same_lower_k3_s2",
                         TORCH + " conv_transpose1d padding 0, cropped by the 'same_lower' rule", x,
                         values([3, 2, 3]), None, {"stride": 2, "padding": "same_lower"}, 1))
    cases.append(nd_case("conv_transpose1d_same_kernel_shorter_than_stride_extends",
                         TORCH + " conv_transpose1d padding 0, extended at the end by the 'same' rule", x,
                         values([3, 2, 1]), b, {"stride": 3, "padding": "same"}, 1))
    cases.append(nd_case("conv_transpose1d_valid", TORCH + " conv_transpose1d padding 0", x, w, None,
                         {"stride": 2, "padding": "valid"}, 1))

    # 2-D: bias, per-side padding, 'same' (TF SAME), output_size, N = 0.
    x2 = values([1, 2, 4, 3])
    w2 = values([2, 3, 3, 2])
    b2 = values([3])
    cases.append(nd_case("conv_transpose2d_bias_output_padding_strip", TORCH + " conv_transpose2d", x2, w2, b2,
                         {"stride": [2, 3], "padding": [1, 0], "output_padding": [1, 2]}, 2))
    cases.append(nd_case("conv_transpose2d_output_size_sizes", TORCH + " ConvTranspose2d.forward(x, output_size)",
                         x2, w2, b2, {"stride": 2, "padding": 1, "output_size": [8, 5]}, 2))
    cases.append(nd_case("conv_transpose2d_output_size_full_shape",
                         TORCH + " ConvTranspose2d.forward(x, output_size)", x2, w2, None,
                         {"stride": 2, "padding": 1, "output_size": [1, 3, 7, 5]}, 2))
    cases.append(nd_case("conv_transpose2d_unbatched_output_size",
                         TORCH + " ConvTranspose2d.forward(x, output_size), unbatched", x2[0], w2, b2,
                         {"stride": 2, "output_size": [3, 10, 7]}, 2))
    cases.append(nd_case("conv_transpose2d_empty_batch", TORCH + " conv_transpose2d, N = 0", values([0, 2, 4, 3]),
                         w2, b2, {"stride": 2}, 2))
    cases.append(nd_case("conv_transpose2d_per_side_mixed", TORCH + " conv_transpose2d padding 0, cropped per side",
                         x2, w2, b2, {"stride": 2, "padding": [[1, 2], 0]}, 2))
    cases.append(nd_case("conv_transpose2d_same", TORCH + " conv_transpose2d padding 0, cropped by the 'same' rule",
                         x2, w2, b2, {"stride": 2, "padding": "same"}, 2))
    cases.append(nd_case("conv_transpose2d_same_output_padding",
                         TORCH + " conv_transpose2d padding 0, cropped by the 'same' rule", x2, w2, None,
                         {"stride": 2, "padding": "same", "output_padding": 1}, 2))
    cases.append(nd_case("conv_transpose2d_same_lower", TORCH + " conv_transpose2d padding 0, 'same_lower' rule",
                         x2, values([2, 3, 3, 3]), b2, {"stride": 2, "padding": "same_lower"}, 2))
    cases.append(nd_case("conv_transpose2d_same_output_size", TORCH + " conv_transpose2d padding 0, ONNX output_shape "
                         "rule", x2, w2, None, {"stride": 2, "padding": "same", "output_size": [7, 9]}, 2))
    cases.append(nd_case("conv_transpose2d_same_extends_stride_beyond_kernel",
                         TORCH + " conv_transpose2d padding 0, extended by the 'same' rule", x2, values([2, 3, 2, 1]),
                         b2, {"stride": [3, 2], "padding": "same"}, 2))

    # 3-D.
    x3 = values([2, 2, 3, 2, 3])
    w3 = values([2, 2, 2, 3, 2])
    b3 = values([2])
    cases.append(nd_case("conv_transpose3d_bias", TORCH + " conv_transpose3d", x3, w3, b3,
                         {"stride": [2, 1, 2], "padding": [1, 0, 1], "dilation": [1, 2, 1]}, 3))
    cases.append(nd_case("conv_transpose3d_output_padding_strip", TORCH + " conv_transpose3d", x3, w3, b3,
                         {"stride": 2, "output_padding": [1, 0, 1]}, 3))
    cases.append(nd_case("conv_transpose3d_unbatched", TORCH + " conv_transpose3d, unbatched", x3[1], w3, None,
                         {"stride": 2, "padding": 1}, 3))
    cases.append(nd_case("conv_transpose3d_output_size", TORCH + " ConvTranspose3d.forward(x, output_size)", x3, w3,
                         b3, {"stride": 2, "padding": 1, "output_size": [5, 4, 5]}, 3))
    cases.append(nd_case("conv_transpose3d_groups", TORCH + " conv_transpose3d", values([1, 4, 2, 3, 2]),
                         values([4, 1, 3, 2, 2]), values([2]), {"stride": [1, 2, 3], "groups": 2}, 3))
    cases.append(nd_case("conv_transpose3d_empty_batch", TORCH + " conv_transpose3d, N = 0", values([0, 2, 3, 2, 3]),
                         w3, b3, {"stride": 2}, 3))
    cases.append(nd_case("conv_transpose3d_same", TORCH + " conv_transpose3d padding 0, 'same' rule", x3, w3, b3,
                         {"stride": 2, "padding": "same"}, 3))
    cases.append(nd_case("conv_transpose3d_per_side", TORCH + " conv_transpose3d padding 0, cropped per side", x3, w3,
                         None, {"stride": 2, "padding": [[0, 1], 1, [2, 0]]}, 3))

    # Random configurations of every rank and padding form.
    forms = ["number", "list", "pairs", "same", "same_lower", "valid", "output_size"]
    while len(cases) < 100:
        rank = rng.choice([1, 1, 2, 3])
        form = forms[len(cases) % len(forms)]
        groups = rng.choice([1, 1, 2])
        cin, cout = groups * rng.randint(1, 2), groups * rng.randint(1, 2)
        n = rng.randint(0, 2) if rng.random() < 0.15 else rng.randint(1, 2)
        size = [rng.randint(1, 5 if rank < 3 else 3) for _ in range(rank)]
        kernel = [rng.randint(1, 4 if rank < 3 else 3) for _ in range(rank)]
        stride = [rng.randint(1, 3) for _ in range(rank)]
        dilation = [rng.choice([1, 1, 2]) for _ in range(rank)]
        op = [rng.randint(0, max(stride[a], dilation[a]) - 1) if rng.random() < 0.3 else 0 for a in range(rank)]
        reach = [dilation[a] * (kernel[a] - 1) for a in range(rank)]
        options = {"stride": stride, "dilation": dilation, "groups": groups}
        if form == "number":
            options["padding"] = rng.randint(0, min(reach))
        elif form == "list":
            options["padding"] = [rng.randint(0, reach[a]) for a in range(rank)]
        elif form == "pairs":
            options["padding"] = [[rng.randint(0, reach[a]), rng.randint(0, reach[a])] for a in range(rank)]
        elif form == "output_size":
            options["padding"] = [rng.randint(0, reach[a]) for a in range(rank)]
        else:
            options["padding"] = form
        if op != [0] * rank and form != "output_size":
            options["output_padding"] = op
        full = [(size[a] - 1) * stride[a] + reach[a] + 1 + (op[a] if form != "output_size" else 0)
                for a in range(rank)]
        if form == "output_size":
            p = options["padding"]
            options["output_size"] = [full[a] - 2 * p[a] + rng.randint(0, stride[a] - 1) for a in range(rank)]
            if min(options["output_size"]) < 1:
                continue
        elif form == "pairs":
            if any(full[a] - sum(options["padding"][a]) < 1 for a in range(rank)):
                continue
        elif form in ("number", "list"):
            p = options["padding"] if form == "list" else [options["padding"]] * rank
            if any(full[a] - 2 * p[a] < 1 for a in range(rank)):
                continue
        x = values([n, cin] + size, "int" if len(cases) % 3 == 0 else "normal")
        w = values([cin, cout // groups] + kernel, "int" if len(cases) % 3 == 0 else "normal")
        b = values([cout]) if rng.random() < 0.6 else None
        cases.append(nd_case(f"random_{len(cases):03d}_{rank}d_{form}", TORCH + " (see padding form in the name)",
                             x, w, b, options, rank))
    cases.extend(onnx_cases())
    return cases


ONNX_SOURCE = ("ONNX's published ConvTranspose test vectors, onnx/onnx onnx/backend/test/case/node/convtranspose.py "
               "(the operator documentation's examples), test ")


def onnx_cases():
    """ONNX's own ConvTranspose examples, numbers copied from the ONNX operator docs; checked against torch here."""
    x33 = torch.arange(9.).reshape(1, 1, 3, 3)
    ones2 = torch.ones(1, 2, 3, 3)
    out = []

    def case(name, x, w, options, rank, expected, shape):
        c = nd_case(name, ONNX_SOURCE + name, x, w, None, options, rank)
        got = c["output"]
        assert got["shape"] == shape and got["data"] == [float(v) for v in expected], name
        return c

    y = [0, 1, 3, 3, 2, 3, 8, 15, 12, 7, 9, 21, 36, 27, 15, 9, 20, 33, 24, 13, 6, 13, 21, 15, 8]
    out.append(case("test_convtranspose", x33, ones2, {}, 2, y * 2, [1, 2, 5, 5]))
    out.append(case("test_convtranspose_1d", torch.tensor([[[0., 1., 2.]]]), torch.ones(1, 2, 3), {}, 1,
                    [0, 1, 3, 3, 2] * 2, [1, 2, 5]))
    y = [0, 0, 1, 1, 3, 2, 2, 0] * 3 + [3, 3, 7, 4, 9, 5, 5, 0] * 3 + [6, 6, 13, 7, 15, 8, 8, 0] * 3 + [0] * 8
    out.append(case("test_convtranspose_output_shape", x33, ones2, {"stride": [3, 2], "output_size": [10, 8]}, 2,
                    y * 2, [1, 2, 10, 8]))
    out.append(case("test_convtranspose_pad", x33, ones2, {"stride": [3, 2], "output_padding": [1, 1]}, 2, y * 2,
                    [1, 2, 10, 8]))
    out.append(case("test_convtranspose_kernel_shape", x33, ones2,
                    {"stride": [3, 2], "output_size": [10, 8], "output_padding": [1, 1]}, 2, y * 2, [1, 2, 10, 8]))
    y = [1, 1, 3, 1, 1, 3, 7, 4, 9, 7, 4, 9, 7, 4, 9, 13, 7, 15, 13, 7, 15]
    # ONNX pads [x1_begin, x2_begin, x1_end, x2_end] = [1, 2, 1, 2]
    out.append(case("test_convtranspose_pads", x33, ones2, {"stride": [3, 2], "padding": [[1, 1], [2, 2]]}, 2, y * 2,
                    [1, 2, 7, 3]))
    y = [21, 56, 13, 16, 2, 63, 35, 67, 10, 14, 24, 22, 76, 76, 21, 9, 5, 88, 45, 63, 3, 2, 33, 18, 54]
    out.append(case("test_convtranspose_dilations", torch.tensor([[[[3., 8., 1.], [9., 5., 7.], [3., 2., 6.]]]]),
                    torch.tensor([[[[7., 2.], [1., 9.]]]]), {"dilation": 2}, 2, y, [1, 1, 5, 5]))
    y = [0, 0, 1, 1, 3, 2, 0, 0, 1, 1, 3, 2, 3, 3, 8, 5, 12, 7, 3, 3, 7, 4, 9, 5, 9, 9, 20, 11, 24, 13, 6, 6, 13, 7,
         15, 8]
    out.append(case("test_convtranspose_autopad_same", x33, ones2, {"stride": 2, "padding": "same"}, 2, y * 2,
                    [1, 2, 6, 6]))
    x3 = torch.arange(60.).reshape(1, 1, 3, 4, 5)
    c = nd_case("test_convtranspose_3d", ONNX_SOURCE + "test_convtranspose_3d", x3, torch.ones(1, 2, 3, 3, 3), None,
                {}, 3)
    first_row = [0, 1, 3, 6, 9, 7, 4]
    assert c["output"]["shape"] == [1, 2, 5, 6, 7] and c["output"]["data"][:7] == first_row
    assert c["output"]["data"][-7:] == [55, 111, 168, 171, 174, 117, 59]
    out.append(c)
    return out


def write_nd():
    doc = header(SEED + 7, "Transposed convolutions in every framework's vocabulary, for the CLI, the JS API and the "
                 "C++ tests. Each case has `options` written as the CLI takes them (stride, padding as a number, a "
                 "list, a list of [before, after] pairs or 'same' / 'same_lower' / 'valid', output_padding, "
                 "output_size, dilation, groups), `resolved` (the per-side crops and output_padding the engine must "
                 "arrive at), and `source`: torch " + torch.__version__ + " for conv_transpose1d/2d/3d with bias, "
                 "unbatched inputs, output_size (module forward) and N = 0; for per-side pairs and the padding "
                 "strings torch's padding-0 result cropped per side, or extended at the end with zeros where 'same' "
                 "asks for more than the full result (the rule in cpp/include/tconv/params.hpp), plus the bias; and "
                 "ONNX's published test vectors, whose numbers are asserted here against torch.")
    doc["cases"] = nd_cases()
    return doc


# --------------------------------------------------------------------------------------------------------------------
# influence.json
# --------------------------------------------------------------------------------------------------------------------

def nonzero_indices(t):
    return sorted([list(map(int, i)) for i in torch.nonzero(t != 0).tolist()])


def influence_case(name, x_shape, w_shape, options, rank, gen):
    """Autograd's dependency pattern of one small configuration, with random nonzero values so no product vanishes:
    for an output cell, the nonzero entries of dy/dx and dy/dw; for an input cell and a kernel tap, the outputs whose
    value changes with it (the nonzero pattern of the Jacobian's column)."""
    def nonzero_values(shape):
        v = torch.rand(shape, generator=gen) + 0.5
        return v * torch.where(torch.rand(shape, generator=gen) < 0.5, -1.0, 1.0)

    x = nonzero_values(x_shape).requires_grad_(True)
    w = nonzero_values(w_shape).requires_grad_(True)
    case = nd_case(name, TORCH + " autograd", x.detach(), w.detach(), None, options, rank)
    s, d, pads, op = (case["resolved"][k] for k in ("stride", "dilation", "padding", "output_padding"))
    groups = case["resolved"]["groups"]

    def forward(xv, wv):
        unbatched = xv.dim() == rank + 1
        xb = xv.unsqueeze(0) if unbatched else xv
        y = CONV_TRANSPOSE[rank](xb, wv, None, stride=s, padding=0, output_padding=op, groups=groups, dilation=d)
        y = crop(y, pads)
        return y.squeeze(0) if unbatched else y

    y = forward(x, w)
    assert list(y.shape) == case["output"]["shape"], name
    queries = []
    for flat in sorted({0, y.numel() // 2, y.numel() - 1, y.numel() // 3}):
        index = list(map(int, np.unravel_index(flat, tuple(y.shape))))
        gx, gw = torch.autograd.grad(y[tuple(index)], [x, w], retain_graph=True)
        queries.append({"tensor": "y", "index": index, "x": nonzero_indices(gx), "w": nonzero_indices(gw)})
    with torch.no_grad():
        for flat in sorted({0, x.numel() // 2, x.numel() - 1}):
            index = list(map(int, np.unravel_index(flat, tuple(x.shape))))
            onehot = torch.zeros(x.shape)
            onehot[tuple(index)] = 1.0
            queries.append({"tensor": "x", "index": index, "y": nonzero_indices(forward(onehot, w))})
        for flat in sorted({0, w.numel() // 2, w.numel() - 1}):
            index = list(map(int, np.unravel_index(flat, tuple(w.shape))))
            onehot = torch.zeros(w.shape)
            onehot[tuple(index)] = 1.0
            queries.append({"tensor": "w", "index": index, "y": nonzero_indices(forward(x, onehot))})
    return {"name": name, "input_shape": list(x_shape), "weight_shape": list(w_shape), "options": options,
            "queries": queries}


def write_influence():
    gen = torch.Generator().manual_seed(SEED + 11)
    cases = [
        influence_case("corner_question_k4_s2_p1", [1, 1, 4, 4], [1, 1, 4, 4], {"stride": 2, "padding": 1}, 2, gen),
        influence_case("k3_s2_checkerboard", [1, 1, 3, 3], [1, 1, 3, 3], {"stride": 2}, 2, gen),
        influence_case("groups_dilation_output_padding", [2, 4, 3, 2], [4, 1, 2, 3],
                       {"stride": [2, 1], "dilation": [1, 2], "groups": 2, "output_padding": [1, 0],
                        "padding": [0, 1]}, 2, gen),
        influence_case("per_side_padding", [1, 2, 4, 3], [2, 2, 3, 3], {"stride": 2, "padding": [[1, 0], [0, 2]]}, 2,
                       gen),
        influence_case("same_extends", [1, 1, 3, 3], [1, 1, 1, 2], {"stride": 3, "padding": "same"}, 2, gen),
        influence_case("conv_transpose1d", [2, 2, 6], [2, 3, 4], {"stride": 2, "padding": 1}, 1, gen),
        influence_case("conv_transpose1d_unbatched_same", [2, 5], [2, 1, 3], {"stride": 2, "padding": "same"}, 1,
                       gen),
        influence_case("conv_transpose3d", [1, 2, 2, 3, 2], [2, 2, 2, 2, 3], {"stride": [1, 2, 2], "padding": [0, 1, 1]},
                       3, gen),
    ]
    doc = header(SEED + 11, "Dependency patterns from torch autograd, for engine.influence(). Values are random and "
                 "nonzero (|v| in [0.5, 1.5)), so a zero in a gradient means no dependency. For a 'y' query, x and w "
                 "are the nonzero entries of d y[index] / d x and d y[index] / d w; for an 'x' or 'w' query, y is the "
                 "set of outputs that change with that cell (conv_transpose of a one-hot tensor, the Jacobian's "
                 "column). Per-side and 'same' padding are torch's padding-0 result cropped per side. Indices are in "
                 "each tensor's own shape (unbatched: no batch index).")
    doc["cases"] = cases
    return doc


def write(name, doc):
    path = os.path.join(OUT_DIR, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, separators=(",", ":"), ensure_ascii=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)}: {len(doc['cases'])} cases, {os.path.getsize(path) // 1024} KiB")


def main():
    if sys.version_info < (3, 7):
        sys.exit("needs Python 3.7+")
    os.makedirs(OUT_DIR, exist_ok=True)
    write("conv_transpose2d.json", write_transposed())
    write("conv2d_gradient.json", write_gradient())
    write("invalid.json", write_invalid())
    write("conv_transpose_nd.json", write_nd())
    write("influence.json", write_influence())


if __name__ == "__main__":
    main()
