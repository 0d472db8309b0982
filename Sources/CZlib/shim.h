#ifndef INFERENCE_LAB_CZLIB_SHIM_H
#define INFERENCE_LAB_CZLIB_SHIM_H
#include <zlib.h>
#endif
