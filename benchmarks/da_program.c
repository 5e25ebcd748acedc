/* da_program.c -- program-proposing deferred acceptance in plain C, for the benchmarks.
 *
 * The counterpart of matchsim's program-proposing kernel, written the way the plain C
 * applicant-proposing reference is written, so that the two sides are timed against C
 * programs of the same design:
 *
 *   - set-up, O(entries): an edge-aligned table gives, for the k-th entry of program p's
 *     list, the applicant and the applicant's rank of p (or UNRANKED), built by turning
 *     the applicants' lists inside out into per-program buckets (a counting sort) and a
 *     mark array over programs;
 *   - state: per program a cursor into its list, its capacity and how many it holds; per
 *     applicant the program it holds and its rank of that program (an applicant holds at
 *     most one offer, so an array per applicant plays the part of the reference's heap per
 *     program);
 *   - offers in McVitie-Wilson chains: a program offers down its list until it is full or
 *     its list ends; a program that an applicant gives up goes on a stack and offers again
 *     as soon as the current program is done.
 *
 * Deferred acceptance gives the program-optimal stable matching whatever the order of the
 * offers (Gale and Shapley 1962; McVitie and Wilson 1971), and the number of offers does
 * not depend on the order either, so matchsim's round-based kernel must agree with this
 * program exactly, matching and offer count; benchmarks/compare_c.py checks both.
 *
 * Built as a shared library by benchmarks/compare_c.py (gcc -O2 -shared -fPIC) and called
 * through ctypes:
 *
 *   int64_t ms_program_proposing(n_a, n_p, a_ptr, a_idx, p_ptr, p_idx, cap, match)
 *
 * returns the number of offers and writes match[a] (program id, or -1). All arrays are
 * int32, CSR as in matchsim.Market. Everything a call needs is allocated and freed inside
 * it, like the reference's "full" solve.
 */
#include <stdint.h>
#include <stdlib.h>

#define UNRANKED INT32_MAX

typedef struct { int32_t who, rank; } Offer;            /* k-th entry of a program's list */
typedef struct { int32_t next, end, cap, count; } Prog;
typedef struct { int32_t prog, rank; } Held;            /* the offer an applicant holds */

/* table[e] = {applicant, that applicant's rank of the program} for entry e of the program lists */
static void build_table(int32_t n_a, int32_t n_p, const int32_t *a_ptr, const int32_t *a_idx,
                        const int32_t *p_ptr, const int32_t *p_idx, Offer *table) {
    int32_t nnz_a = a_ptr[n_a];
    int32_t *start = calloc((size_t)n_p + 1, sizeof(int32_t));
    Offer *bucket = malloc((size_t)nnz_a * sizeof(Offer) + 1);   /* {applicant, rank} by program */
    int32_t *mark = malloc((size_t)n_a * sizeof(int32_t) + 1);
    for (int32_t e = 0; e < nnz_a; e++) start[a_idx[e] + 1]++;
    for (int32_t p = 0; p < n_p; p++) start[p + 1] += start[p];
    for (int32_t a = 0; a < n_a; a++) {
        for (int32_t e = a_ptr[a]; e < a_ptr[a + 1]; e++) {
            int32_t k = start[a_idx[e]]++;
            bucket[k].who = a;
            bucket[k].rank = e - a_ptr[a];
        }
    }
    /* start[p] is now where program p's bucket ends (and p + 1's begins) */
    for (int32_t a = 0; a < n_a; a++) mark[a] = UNRANKED;
    int32_t s = 0;
    for (int32_t p = 0; p < n_p; p++) {
        int32_t t = start[p];
        for (int32_t k = s; k < t; k++) mark[bucket[k].who] = bucket[k].rank;
        for (int32_t e = p_ptr[p]; e < p_ptr[p + 1]; e++) {
            table[e].who = p_idx[e];
            table[e].rank = mark[p_idx[e]];
        }
        for (int32_t k = s; k < t; k++) mark[bucket[k].who] = UNRANKED;
        s = t;
    }
    free(start); free(bucket); free(mark);
}

int64_t ms_program_proposing(int32_t n_a, int32_t n_p, const int32_t *a_ptr, const int32_t *a_idx,
                             const int32_t *p_ptr, const int32_t *p_idx, const int32_t *cap,
                             int32_t *match) {
    Offer *table = malloc((size_t)p_ptr[n_p] * sizeof(Offer) + 1);
    Prog *prog = malloc((size_t)n_p * sizeof(Prog) + 1);
    Held *held = malloc((size_t)n_a * sizeof(Held) + 1);
    int32_t *stack = malloc((size_t)n_p * sizeof(int32_t) + 1);  /* programs that must offer again */
    char *stacked = calloc((size_t)n_p + 1, 1);
    build_table(n_a, n_p, a_ptr, a_idx, p_ptr, p_idx, table);
    for (int32_t p = 0; p < n_p; p++) {
        prog[p].next = p_ptr[p]; prog[p].end = p_ptr[p + 1]; prog[p].cap = cap[p]; prog[p].count = 0;
    }
    for (int32_t a = 0; a < n_a; a++) { held[a].prog = -1; held[a].rank = UNRANKED; }

    int64_t offers = 0;
    int32_t top = 0;
    for (int32_t p0 = 0; p0 < n_p; p0++) {
        int32_t p = p0;
        for (;;) {
            Prog *P = &prog[p];
            while (P->count < P->cap && P->next < P->end) {
                Offer o = table[P->next++];
                offers++;
                Held *h = &held[o.who];
                if (o.rank >= h->rank) continue; /* turned down: not ranked, or holds better */
                if (h->prog >= 0) {              /* the applicant gives up its program */
                    int32_t q = h->prog;
                    prog[q].count--;
                    if (!stacked[q] && q != p) { stacked[q] = 1; stack[top++] = q; }
                }
                h->prog = p; h->rank = o.rank;
                P->count++;
            }
            if (top == 0) break;
            p = stack[--top];     /* a program that lost an applicant offers again */
            stacked[p] = 0;
        }
    }
    for (int32_t a = 0; a < n_a; a++) match[a] = held[a].prog;
    free(table); free(prog); free(held); free(stack); free(stacked);
    return offers;
}
