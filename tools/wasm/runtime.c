// The few C-library functions an Embedded Swift module for wasm32-unknown-none-wasm needs
// (there is no libc on that target): a size-class allocator on top of memory.grow, the mem*
// functions, and compiler-rt's __multi3 (128-bit multiply, used by Double printing).
// Compiled by tools/wasm/build.sh with the Swift toolchain's clang --target=wasm32.
#include <stddef.h>
#include <stdint.h>

// ---- memory -----------------------------------------------------------------------------

void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--) *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d == s || n == 0) return dst;
    if (d < s) {
        while (n--) *d++ = *s++;
    } else {
        d += n; s += n;
        while (n--) *--d = *--s;
    }
    return dst;
}

void *memset(void *dst, int c, size_t n) {
    unsigned char *d = dst;
    while (n--) *d++ = (unsigned char)c;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y) return *x - *y;
    return 0;
}

size_t strlen(const char *s) {
    const char *p = s;
    while (*p) p++;
    return (size_t)(p - s);
}

// ---- allocator --------------------------------------------------------------------------
// Blocks of 2^k bytes (k = 4 … 31) including a 16-byte header that records k; freed blocks go
// on a per-class free list and are reused. Memory comes from memory.grow and is never
// returned. 16-byte alignment for every block (larger alignments by over-allocation).

#define HEADER 16u
#define MIN_CLASS 5u   /* 32 bytes */
#define MAX_CLASS 31u

extern unsigned char __heap_base;
static uintptr_t heap_top = 0, heap_end = 0;
static void *free_lists[MAX_CLASS + 1];

static unsigned class_for(size_t total) {
    unsigned k = MIN_CLASS;
    while (k < MAX_CLASS && ((size_t)1 << k) < total) k++;
    return k;
}

static void *carve(size_t bytes) {
    if (heap_top == 0) {
        heap_top = ((uintptr_t)&__heap_base + 15u) & ~(uintptr_t)15u;
        heap_end = __builtin_wasm_memory_size(0) * 65536u;
    }
    if (heap_top + bytes > heap_end) {
        size_t need = heap_top + bytes - heap_end;
        size_t pages = (need + 65535u) / 65536u;
        if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) return 0;
        heap_end += pages * 65536u;
    }
    void *p = (void *)heap_top;
    heap_top += bytes;
    return p;
}

void *malloc(size_t size) {
    if (size > ((size_t)1 << MAX_CLASS) - HEADER) return 0;
    unsigned k = class_for(size + HEADER);
    unsigned char *block = free_lists[k];
    if (block) {
        free_lists[k] = *(void **)(block + HEADER);
    } else {
        block = carve((size_t)1 << k);
        if (!block) return 0;
    }
    *(uint32_t *)block = k;
    *(uint32_t *)(block + 4) = 0;  /* offset from the block start to the header, see below */
    return block + HEADER;
}

/* The header sits right before the returned pointer: word 0 = class, word 1 = distance back
   from that header to the block start (non-zero only for over-aligned allocations). */
void free(void *p) {
    if (!p) return;
    unsigned char *header = (unsigned char *)p - HEADER;
    unsigned char *block = header - *(uint32_t *)(header + 4);
    unsigned k = *(uint32_t *)header;
    *(void **)(block + HEADER) = free_lists[k];
    free_lists[k] = block;
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    if (alignment <= 16) {
        void *p = malloc(size);
        if (!p) return 12; /* ENOMEM */
        *out = p;
        return 0;
    }
    unsigned char *raw = malloc(size + alignment);
    if (!raw) return 12;
    unsigned char *block = raw - HEADER;
    uintptr_t aligned = ((uintptr_t)raw + alignment - 1) & ~(uintptr_t)(alignment - 1);
    if (aligned != (uintptr_t)raw) {
        unsigned char *header = (unsigned char *)aligned - HEADER;
        *(uint32_t *)header = *(uint32_t *)block;
        *(uint32_t *)(header + 4) = (uint32_t)(header - block);
    }
    *out = (void *)aligned;
    return 0;
}

void *aligned_alloc(size_t alignment, size_t size) {
    void *p = 0;
    return posix_memalign(&p, alignment, size) == 0 ? p : 0;
}

void *calloc(size_t n, size_t size) {
    if (size && n > (size_t)-1 / size) return 0;
    void *p = malloc(n * size);
    if (p) memset(p, 0, n * size);
    return p;
}

void *realloc(void *p, size_t size) {
    if (!p) return malloc(size);
    unsigned char *header = (unsigned char *)p - HEADER;
    unsigned char *block = header - *(uint32_t *)(header + 4);
    size_t usable = ((size_t)1 << *(uint32_t *)header) - (size_t)((unsigned char *)p - block);
    if (size <= usable) return p;
    void *q = malloc(size);
    if (!q) return 0;
    memcpy(q, p, usable);
    free(p);
    return q;
}

size_t malloc_usable_size(void *p) {
    if (!p) return 0;
    unsigned char *header = (unsigned char *)p - HEADER;
    unsigned char *block = header - *(uint32_t *)(header + 4);
    return ((size_t)1 << *(uint32_t *)header) - (size_t)((unsigned char *)p - block);
}

// ---- compiler-rt ------------------------------------------------------------------------

typedef unsigned __int128 u128;
typedef __int128 i128;

/* 128-bit multiply from 64-bit halves (the wasm32 backend lowers i128 mul to this call). */
i128 __multi3(i128 a, i128 b) {
    uint64_t a0 = (uint64_t)a, a1 = (uint64_t)((u128)a >> 64);
    uint64_t b0 = (uint64_t)b, b1 = (uint64_t)((u128)b >> 64);
    uint64_t al = a0 & 0xffffffffu, ah = a0 >> 32, bl = b0 & 0xffffffffu, bh = b0 >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    uint64_t lo = (ll & 0xffffffffu) | (mid << 32);
    uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32) + a0 * b1 + a1 * b0;
    return (i128)(((u128)hi << 64) | lo);
}

// ---- libm and platform ------------------------------------------------------------------

/* Round half away from zero (Swift's .rounded()); x − trunc(x) is exact. */
double round(double x) {
    double t = __builtin_trunc(x);
    double d = x - t;
    if (d >= 0.5) return t + 1.0;
    if (d <= -0.5) return t - 1.0;
    return t;
}

/* Seeds Swift's Hasher. A fixed seed: nothing in the simulator depends on hash order, and a
   fixed seed keeps runs reproducible (the native build seeds it randomly). */
void arc4random_buf(void *buf, size_t n) {
    unsigned char *p = buf;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        p[i] = (unsigned char)x;
    }
}
