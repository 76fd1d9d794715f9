#!/bin/sh
# The program our first image runs (plain sh: busybox has no bash)
echo "Hello from inside a container!"
echo "This image was $(cat /etc/build-info)."
echo "Kernel: $(uname -r) (the host's kernel: containers share it)"
