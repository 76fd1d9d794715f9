"""What PyTorch sees in this container, and a tiny computation."""

import platform

import torch

print(f"Python  {platform.python_version()}")
print(f"PyTorch {torch.__version__}")
print(f"CUDA available: {torch.cuda.is_available()}")

x = torch.arange(6, dtype=torch.float32).reshape(2, 3)
print("x =")
print(x)
print("x @ x.T =")
print(x @ x.T)
