#ifndef INFERENCE_LAB_CDEFLATE_SHIM_H
#define INFERENCE_LAB_CDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
