"""On a GPU: checks what `netdsl kernels NET --out DIR` computed without one against the driver's own figures.

    python3 bench/kernels-vs-driver.py DIR...

For every kernel of every DIR/*.kernels.tsv it loads the unit's CUBIN and compares registers, static shared memory
and local memory (ptxas' stack frame) with cuFuncGetAttribute, and the theoretical blocks per SM with
cuOccupancyMaxActiveBlocksPerMultiprocessor at the same block and dynamic shared memory. Prints each disagreement and
one summary line; exits 1 if any. Needs only the driver (libcuda.so.1) and Python 3.
"""
import csv, ctypes, glob, os, sys

NUM_REGS, SHARED_SIZE_BYTES, LOCAL_SIZE_BYTES, MAX_DYNAMIC_SHARED_SIZE_BYTES = 4, 1, 3, 8
cuda = ctypes.CDLL("libcuda.so.1")


def check(result, call):
    if result != 0:
        name = ctypes.c_char_p()
        cuda.cuGetErrorName(result, ctypes.byref(name))
        raise RuntimeError(f"{call} failed: {name.value.decode() if name.value else result}")


def attribute(function, which):
    value = ctypes.c_int()
    check(cuda.cuFuncGetAttribute(ctypes.byref(value), which, function), "cuFuncGetAttribute")
    return value.value


check(cuda.cuInit(0), "cuInit")
device, context = ctypes.c_int(), ctypes.c_void_p()
check(cuda.cuDeviceGet(ctypes.byref(device), 0), "cuDeviceGet")
name = ctypes.create_string_buffer(256)
cuda.cuDeviceGetName(name, 256, device)
check(cuda.cuDevicePrimaryCtxRetain(ctypes.byref(context), device), "cuDevicePrimaryCtxRetain")
check(cuda.cuCtxSetCurrent(context), "cuCtxSetCurrent")

kernels = disagreements = 0
for directory in sys.argv[1:]:
    for table in sorted(glob.glob(os.path.join(directory, "*.kernels.tsv"))):
        modules = {}
        for row in csv.DictReader(open(table), delimiter="\t"):
            unit = row["unit"]
            if unit not in modules:
                module = ctypes.c_void_p()
                with open(os.path.join(directory, unit + ".cubin"), "rb") as f:
                    image = f.read()
                check(cuda.cuModuleLoadData(ctypes.byref(module), image), f"cuModuleLoadData({unit})")
                modules[unit] = module
            function = ctypes.c_void_p()
            check(cuda.cuModuleGetFunction(ctypes.byref(function), modules[unit], row["kernel"].encode()), row["kernel"])
            dynamic = int(row["dynamic_shared"])
            if dynamic > 48 * 1024:  # as the backend opts in before such a launch
                check(cuda.cuFuncSetAttribute(function, MAX_DYNAMIC_SHARED_SIZE_BYTES, dynamic), "cuFuncSetAttribute")
            blocks = ctypes.c_int()
            check(cuda.cuOccupancyMaxActiveBlocksPerMultiprocessor(ctypes.byref(blocks), function, int(row["threads"]), ctypes.c_size_t(dynamic)),
                  "cuOccupancyMaxActiveBlocksPerMultiprocessor")
            driver = {"registers": attribute(function, NUM_REGS), "static_shared": attribute(function, SHARED_SIZE_BYTES),
                      "stack_frame": attribute(function, LOCAL_SIZE_BYTES), "blocks_per_sm": blocks.value}
            kernels += 1
            for key, value in driver.items():
                if int(row[key]) != value:
                    disagreements += 1
                    print(f"{os.path.basename(table)} {row['kernel']}: {key} netdsl {row[key]}, driver {value}")

print(f"{name.value.decode()}: {kernels} kernels, {disagreements} disagreements with the driver")
sys.exit(1 if disagreements else 0)
