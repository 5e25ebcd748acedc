/* c_reference_shim.c -- call the plain C applicant-proposing reference as a function.
 *
 * The reference (a plain C deferred acceptance kept outside this project, by default
 * /work/shared/bench/da_ref.c) is a command-line program. This file compiles it where it
 * lies, in the same translation unit (its main() renamed), and exposes one whole solve --
 * allocation, rank-table set-up, proposals, extraction, freeing: the reference's own
 * timed_solve() -- so that benchmarks/compare_c.py can call it through ctypes and
 * alternate it with matchsim call by call, in one process.
 *
 * Build (compare_c.py does it): gcc -O2 -std=c11 -shared -fPIC
 *   -DDA_REF_SOURCE='"/path/to/da_ref.c"' -o libms_ref.so c_reference_shim.c
 *
 *   int64_t ms_applicant_reference(n_a, n_p, nnz_a, nnz_p, a_ptr, a_idx, p_ptr, p_idx, cap, match)
 *
 * returns the number of proposals and writes match[a] (program id, or -1); int32 arrays.
 */
#ifndef DA_REF_SOURCE
#error "define DA_REF_SOURCE as the quoted path of the C reference"
#endif

#define main ms_reference_main
#include DA_REF_SOURCE
#undef main

int64_t ms_applicant_reference(int32_t n_a, int32_t n_p, int32_t nnz_a, int32_t nnz_p,
                               int32_t *a_ptr, int32_t *a_idx, int32_t *p_ptr, int32_t *p_idx,
                               int32_t *cap, int32_t *match) {
    Market m;
    m.n_a = n_a; m.n_p = n_p; m.nnz_a = nnz_a; m.nnz_p = nnz_p;
    m.a_ptr = a_ptr; m.a_idx = a_idx; m.p_ptr = p_ptr; m.p_idx = p_idx; m.cap = cap;
    double full, core, set;
    return timed_solve(&m, match, &full, &core, &set);
}
