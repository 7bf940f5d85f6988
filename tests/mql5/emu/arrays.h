// ArrayResize/ArraySize/ArrayCopy/ArrayFree/ArrayInitialize with MQL5's return values.
#pragma once
#include "types.h"

#define WHOLE_ARRAY (-1)

template <typename T>
int ArraySize(const MqlArray<T> &a) { return int(a.v.size()); }

template <typename T>
int ArrayResize(MqlArray<T> &a, int new_size, int reserve_size = 0) {
  if (new_size < 0) return -1;
  if (reserve_size > 0) a.v.reserve(size_t(new_size + reserve_size));
  a.v.resize(size_t(new_size));
  return new_size;
}

template <typename T>
void ArrayFree(MqlArray<T> &a) { a.v.clear(); a.v.shrink_to_fit(); }

template <typename T, typename V>
int ArrayInitialize(MqlArray<T> &a, V value) {
  for (auto &x : a.v) x = T(value);
  return int(a.v.size());
}

// Copies count elements (WHOLE_ARRAY: the rest) of src from src_start to dst at dst_start; a dynamic
// destination grows as needed. Returns the number of elements copied.
template <typename T>
int ArrayCopy(MqlArray<T> &dst, const MqlArray<T> &src, int dst_start = 0, int src_start = 0,
              int count = WHOLE_ARRAY) {
  int n = int(src.v.size());
  if (src_start < 0 || dst_start < 0 || src_start > n) return 0;
  int avail = n - src_start;
  if (count < 0 || count > avail) count = avail;
  if (int(dst.v.size()) < dst_start + count) dst.v.resize(size_t(dst_start + count));
  for (int i = 0; i < count; i++) dst.v[size_t(dst_start + i)] = src.v[size_t(src_start + i)];
  return count;
}
