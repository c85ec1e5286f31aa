/*
 * op.c - the predefined reduction operations.
 *
 * Reductions work on packed data (see datatype.c), so an element is read
 * and written with memcpy: packed value-index pairs are not aligned, and
 * memcpy of a known small size compiles to a plain load or store.
 *
 * Which op applies to which type follows the standard's table: MIN/MAX on
 * C integers and floating types; SUM/PROD also on complex; LAND/LOR/LXOR
 * on C integers and C_BOOL; BAND/BOR/BXOR on C integers and MPI_BYTE;
 * MAXLOC/MINLOC on the value-index pairs. Anything else is MPI_ERR_OP.
 */
#include <complex.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

enum { CL_INT = 1, CL_FLOAT = 2, CL_COMPLEX = 4, CL_BOOL = 8, CL_BYTE = 16,
       CL_PAIR = 32 };

static int class_of(int ek)
{
	switch (ek) {
	case EK_SCHAR: case EK_UCHAR: case EK_SHORT: case EK_USHORT:
	case EK_INT: case EK_UINT: case EK_LONG: case EK_ULONG:
	case EK_LLONG: case EK_ULLONG: case EK_I8: case EK_I16: case EK_I32:
	case EK_I64: case EK_U8: case EK_U16: case EK_U32: case EK_U64:
	case EK_AINT:
		return CL_INT;
	case EK_FLOAT: case EK_DOUBLE: case EK_LDOUBLE:
		return CL_FLOAT;
	case EK_CFLOAT: case EK_CDOUBLE: case EK_CLDOUBLE:
		return CL_COMPLEX;
	case EK_BOOL:
		return CL_BOOL;
	case EK_BYTE:
		return CL_BYTE;
	case EK_FLOAT_INT: case EK_DOUBLE_INT: case EK_LONG_INT:
	case EK_2INT: case EK_SHORT_INT: case EK_LDOUBLE_INT:
		return CL_PAIR;
	default:
		return 0; /* MPI_CHAR, MPI_WCHAR, MPI_PACKED: no reduction */
	}
}

int pbmpi_op_check(MPI_Op op, int ek)
{
	int cl = class_of(ek), ok;
	switch (op) {
	case MPI_MAX: case MPI_MIN:
		ok = CL_INT | CL_FLOAT;
		break;
	case MPI_SUM: case MPI_PROD:
		ok = CL_INT | CL_FLOAT | CL_COMPLEX;
		break;
	case MPI_LAND: case MPI_LOR: case MPI_LXOR:
		ok = CL_INT | CL_BOOL;
		break;
	case MPI_BAND: case MPI_BOR: case MPI_BXOR:
		ok = CL_INT | CL_BYTE;
		break;
	case MPI_MAXLOC: case MPI_MINLOC:
		ok = CL_PAIR;
		break;
	default:
		return MPI_ERR_OP;
	}
	return cl & ok ? MPI_SUCCESS : MPI_ERR_OP;
}

/* One loop per (op, type): b = a OP b, element by element. */
#define LOOP(T, EXPR)                                                      \
	do {                                                               \
		const char *pa = in;                                       \
		char *pb = inout;                                          \
		for (size_t k = 0; k < n; k++, pa += sizeof(T),            \
			    pb += sizeof(T)) {                             \
			T a, b;                                            \
			memcpy(&a, pa, sizeof(T));                         \
			memcpy(&b, pb, sizeof(T));                         \
			b = (T)(EXPR);                                     \
			memcpy(pb, &b, sizeof(T));                         \
		}                                                          \
	} while (0)

#define ARITH(T)                                                           \
	switch (op) {                                                      \
	case MPI_MAX: LOOP(T, a > b ? a : b); break;                       \
	case MPI_MIN: LOOP(T, a < b ? a : b); break;                       \
	case MPI_SUM: LOOP(T, a + b); break;                               \
	case MPI_PROD: LOOP(T, a * b); break;                              \
	default: break;                                                    \
	}

#define INTEGER(T)                                                         \
	switch (op) {                                                      \
	case MPI_MAX: LOOP(T, a > b ? a : b); break;                       \
	case MPI_MIN: LOOP(T, a < b ? a : b); break;                       \
	case MPI_SUM: LOOP(T, a + b); break;                               \
	case MPI_PROD: LOOP(T, a * b); break;                              \
	case MPI_LAND: LOOP(T, a && b); break;                             \
	case MPI_LOR: LOOP(T, a || b); break;                              \
	case MPI_LXOR: LOOP(T, !a != !b); break;                           \
	case MPI_BAND: LOOP(T, a & b); break;                              \
	case MPI_BOR: LOOP(T, a | b); break;                               \
	case MPI_BXOR: LOOP(T, a ^ b); break;                              \
	default: break;                                                    \
	}

/* C_BOOL takes the logical ops only (pbmpi_op_check) */
#define LOGICAL(T)                                                         \
	switch (op) {                                                      \
	case MPI_LAND: LOOP(T, a && b); break;                             \
	case MPI_LOR: LOOP(T, a || b); break;                              \
	case MPI_LXOR: LOOP(T, a != b); break;                             \
	default: break;                                                    \
	}

#define COMPLEX(T)                                                         \
	switch (op) {                                                      \
	case MPI_SUM: LOOP(T, a + b); break;                               \
	case MPI_PROD: LOOP(T, a * b); break;                              \
	default: break;                                                    \
	}

/* MAXLOC/MINLOC on packed (value, int) pairs: the better value wins; on
 * a tie, the smaller index (the standard's definition, which makes the
 * operation commutative). */
#define LOC(T)                                                             \
	do {                                                               \
		const size_t w = sizeof(T) + sizeof(int);                  \
		const char *pa = in;                                       \
		char *pb = inout;                                          \
		for (size_t k = 0; k < n; k++, pa += w, pb += w) {         \
			T va, vb;                                          \
			int ia, ib;                                        \
			memcpy(&va, pa, sizeof(T));                        \
			memcpy(&ia, pa + sizeof(T), sizeof(int));          \
			memcpy(&vb, pb, sizeof(T));                        \
			memcpy(&ib, pb + sizeof(T), sizeof(int));          \
			int take = op == MPI_MAXLOC ? va > vb : va < vb;   \
			if (take || (va == vb && ia < ib))                 \
				memcpy(pb, pa, w);                         \
		}                                                          \
	} while (0)

void pbmpi_op_apply(MPI_Op op, int ek, const void *in, void *inout, size_t n)
{
	switch (ek) {
	case EK_SCHAR: INTEGER(signed char); break;
	case EK_UCHAR: INTEGER(unsigned char); break;
	case EK_SHORT: INTEGER(short); break;
	case EK_USHORT: INTEGER(unsigned short); break;
	case EK_INT: INTEGER(int); break;
	case EK_UINT: INTEGER(unsigned); break;
	case EK_LONG: INTEGER(long); break;
	case EK_ULONG: INTEGER(unsigned long); break;
	case EK_LLONG: INTEGER(long long); break;
	case EK_ULLONG: INTEGER(unsigned long long); break;
	case EK_I8: INTEGER(int8_t); break;
	case EK_I16: INTEGER(int16_t); break;
	case EK_I32: INTEGER(int32_t); break;
	case EK_I64: INTEGER(int64_t); break;
	case EK_U8: INTEGER(uint8_t); break;
	case EK_U16: INTEGER(uint16_t); break;
	case EK_U32: INTEGER(uint32_t); break;
	case EK_U64: INTEGER(uint64_t); break;
	case EK_AINT: INTEGER(MPI_Aint); break;
	case EK_BYTE: INTEGER(unsigned char); break;
	case EK_BOOL: LOGICAL(bool); break;
	case EK_FLOAT: ARITH(float); break;
	case EK_DOUBLE: ARITH(double); break;
	case EK_LDOUBLE: ARITH(long double); break;
	case EK_CFLOAT: COMPLEX(float complex); break;
	case EK_CDOUBLE: COMPLEX(double complex); break;
	case EK_CLDOUBLE: COMPLEX(long double complex); break;
	case EK_FLOAT_INT: LOC(float); break;
	case EK_DOUBLE_INT: LOC(double); break;
	case EK_LONG_INT: LOC(long); break;
	case EK_2INT: LOC(int); break;
	case EK_SHORT_INT: LOC(short); break;
	case EK_LDOUBLE_INT: LOC(long double); break;
	default: break;
	}
}
