"""vitsim_import: a trained ViT (ONNX, e.g. exported from PyTorch) becomes a vitsim
network JSON and an int8 weights file (VSWT), calibrated on the user's data.

Modules: onnx_eval (a numpy evaluator of the ONNX ops a ViT export uses),
recover (ONNX graph -> ViT structure and float parameters), vit (the network in
vitsim's terms: JSON, float and fake-quantized forward passes), quantize
(calibration and int8 parameters), vswt (the weights file), cli (the command).
"""
