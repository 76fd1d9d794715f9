#!/bin/sh
# The program our first image runs. It is plain shell: busybox has no bash.
echo "Hello from inside a container!"
echo "This image was $(cat /etc/build-info)."
echo "Running as $(whoami) on kernel $(uname -r): the host's kernel, shared with every container."
