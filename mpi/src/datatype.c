/*
 * datatype.c - predefined and derived datatypes, packing.
 *
 * A message carries only the bytes of a type's signature: a contiguous
 * type goes straight from the user's buffer to Postbox, a type with holes
 * (a vector, a value-index pair with padding) is packed into a temporary
 * buffer first and unpacked at the receiver. So MPI_DOUBLE_INT is 12
 * bytes on the wire, as MPI_Type_size says, and MPI_Get_count divides by
 * the same number on both sides.
 */
#include <complex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "internal.h"

#define PAIR(T)                                                            \
	struct {                                                           \
		T v;                                                       \
		int i;                                                     \
	}

struct pbmpi_dtype pbmpi_predef[EK_COUNT];
uint32_t pbmpi_fast_size[EK_COUNT];
#define predef pbmpi_predef
static struct pbmpi_blk predef_blk[EK_COUNT][2];

static struct pbmpi_dtype **dtab; /* derived types, by index - base */
static int dcap;

static void set_basic(int ek, size_t sz)
{
	struct pbmpi_dtype *t = &predef[ek];
	predef_blk[ek][0].off = 0;
	predef_blk[ek][0].len = sz;
	t->size = sz;
	t->lb = 0;
	t->extent = (ptrdiff_t)sz;
	t->contig = 1;
	t->nblk = 1;
	t->blk = predef_blk[ek];
	t->elem = ek;
	t->committed = t->predefined = 1;
	t->fast = 1;
	t->refs = 1;
	t->handle_idx = ek;
}

/* A value-index pair: the value, then the int where the C struct has it. */
static void set_pair(int ek, size_t vsz, size_t ioff, size_t extent)
{
	struct pbmpi_dtype *t = &predef[ek];
	set_basic(ek, vsz + sizeof(int));
	t->extent = (ptrdiff_t)extent;
	if (ioff == vsz) {
		t->contig = t->fast = extent == vsz + sizeof(int);
		predef_blk[ek][0].len = vsz + sizeof(int);
		return;
	}
	t->contig = t->fast = 0;
	t->nblk = 2;
	predef_blk[ek][0].len = vsz;
	predef_blk[ek][1].off = (ptrdiff_t)ioff;
	predef_blk[ek][1].len = sizeof(int);
}

void pbmpi_dtype_init(void)
{
	set_basic(EK_CHAR, sizeof(char));
	set_basic(EK_SCHAR, sizeof(signed char));
	set_basic(EK_UCHAR, sizeof(unsigned char));
	set_basic(EK_BYTE, 1);
	set_basic(EK_WCHAR, sizeof(wchar_t));
	set_basic(EK_SHORT, sizeof(short));
	set_basic(EK_USHORT, sizeof(unsigned short));
	set_basic(EK_INT, sizeof(int));
	set_basic(EK_UINT, sizeof(unsigned));
	set_basic(EK_LONG, sizeof(long));
	set_basic(EK_ULONG, sizeof(unsigned long));
	set_basic(EK_LLONG, sizeof(long long));
	set_basic(EK_ULLONG, sizeof(unsigned long long));
	set_basic(EK_FLOAT, sizeof(float));
	set_basic(EK_DOUBLE, sizeof(double));
	set_basic(EK_LDOUBLE, sizeof(long double));
	set_basic(EK_PACKED, 1);
	set_basic(EK_I8, 1);
	set_basic(EK_I16, 2);
	set_basic(EK_I32, 4);
	set_basic(EK_I64, 8);
	set_basic(EK_U8, 1);
	set_basic(EK_U16, 2);
	set_basic(EK_U32, 4);
	set_basic(EK_U64, 8);
	set_basic(EK_BOOL, sizeof(bool));
	set_basic(EK_CFLOAT, sizeof(float complex));
	set_basic(EK_CDOUBLE, sizeof(double complex));
	set_basic(EK_CLDOUBLE, sizeof(long double complex));
	set_basic(EK_AINT, sizeof(MPI_Aint));
	set_pair(EK_FLOAT_INT, sizeof(float), offsetof(PAIR(float), i),
		 sizeof(PAIR(float)));
	set_pair(EK_DOUBLE_INT, sizeof(double), offsetof(PAIR(double), i),
		 sizeof(PAIR(double)));
	set_pair(EK_LONG_INT, sizeof(long), offsetof(PAIR(long), i),
		 sizeof(PAIR(long)));
	set_pair(EK_2INT, sizeof(int), offsetof(PAIR(int), i),
		 sizeof(PAIR(int)));
	set_pair(EK_SHORT_INT, sizeof(short), offsetof(PAIR(short), i),
		 sizeof(PAIR(short)));
	set_pair(EK_LDOUBLE_INT, sizeof(long double),
		 offsetof(PAIR(long double), i), sizeof(PAIR(long double)));
	for (int ek = 1; ek < EK_COUNT; ek++)
		pbmpi_fast_size[ek] = predef[ek].fast ? (uint32_t)predef[ek].size
						      : 0;
}

size_t pbmpi_elem_size(int ek)
{
	return ek > EK_NONE && ek < EK_COUNT ? predef[ek].size : 0;
}

void pbmpi_dtype_fini(void)
{
	for (int i = 0; i < dcap; i++) {
		if (dtab[i]) {
			free(dtab[i]->blk);
			free(dtab[i]);
		}
	}
	free(dtab);
	dtab = NULL;
	dcap = 0;
}

struct pbmpi_dtype *pbmpi_dtype_get_derived(MPI_Datatype h)
{
	if (H_KIND(h) != HK_TYPE)
		return NULL;
	int i = H_INDEX(h) - DT_DERIVED_BASE;
	if (i < 0 || i >= dcap || !dtab[i] || dtab[i]->handle_idx < 0)
		return NULL;
	return dtab[i];
}

void pbmpi_dtype_ref(struct pbmpi_dtype *t)
{
	if (!t->predefined)
		t->refs++;
}

void pbmpi_dtype_unref(struct pbmpi_dtype *t)
{
	if (t->predefined || --t->refs > 0)
		return;
	for (int i = 0; i < dcap; i++)
		if (dtab[i] == t)
			dtab[i] = NULL;
	free(t->blk);
	free(t);
}

void pbmpi_pack(const struct pbmpi_dtype *t, const void *src, int count,
		void *dst)
{
	const char *s = src;
	char *d = dst;
	if (t->contig) {
		memcpy(d, s, (size_t)count * t->size);
		return;
	}
	for (int e = 0; e < count; e++, s += t->extent)
		for (int b = 0; b < t->nblk; b++) {
			memcpy(d, s + t->blk[b].off, t->blk[b].len);
			d += t->blk[b].len;
		}
}

void pbmpi_unpack(const struct pbmpi_dtype *t, const void *src,
		  size_t bytes, int count, void *dst)
{
	const char *s = src;
	char *d = dst;
	if (t->contig) {
		size_t n = (size_t)count * t->size;
		memcpy(d, s, n < bytes ? n : bytes);
		return;
	}
	for (int e = 0; e < count && bytes; e++, d += t->extent)
		for (int b = 0; b < t->nblk && bytes; b++) {
			size_t n = t->blk[b].len < bytes ? t->blk[b].len
							  : bytes;
			memcpy(d + t->blk[b].off, s, n);
			s += n;
			bytes -= n;
		}
}

/* ---- derived types ---------------------------------------------------- */

static int handle_new(struct pbmpi_dtype *t, MPI_Datatype *out)
{
	int i;
	for (i = 0; i < dcap; i++)
		if (!dtab[i])
			break;
	if (i == dcap) {
		int ncap = dcap ? 2 * dcap : 16;
		if (DT_DERIVED_BASE + ncap > 0xffffff)
			return MPI_ERR_INTERN;
		struct pbmpi_dtype **n = realloc(dtab, (size_t)ncap * sizeof(*n));
		if (!n)
			return MPI_ERR_INTERN;
		memset(n + dcap, 0, (size_t)(ncap - dcap) * sizeof(*n));
		dtab = n;
		dcap = ncap;
	}
	dtab[i] = t;
	t->handle_idx = DT_DERIVED_BASE + i;
	t->refs = 1;
	*out = (MPI_Datatype)((HK_TYPE << 24) | (unsigned)t->handle_idx);
	return MPI_SUCCESS;
}

/* Append a run, merging it with the previous one when they touch: a
 * contiguous type of contiguous types stays one run, so it travels
 * without packing. */
static void blk_add(struct pbmpi_blk *v, int *n, ptrdiff_t off, size_t len)
{
	if (*n && v[*n - 1].off + (ptrdiff_t)v[*n - 1].len == off) {
		v[*n - 1].len += len;
		return;
	}
	v[*n].off = off;
	v[*n].len = len;
	(*n)++;
}

/* The type made of count runs of blocklen old elements, run i starting
 * stride_el old extents after run i-1 (contiguous: one run). */
static int make_strided(int count, int blocklen, ptrdiff_t stride_el,
			struct pbmpi_dtype *old, MPI_Datatype *out)
{
	size_t nelem = (size_t)count * (size_t)blocklen;
	size_t maxblk = nelem * (size_t)old->nblk;
	if (nelem && maxblk / nelem != (size_t)old->nblk)
		return MPI_ERR_COUNT;
	struct pbmpi_dtype *t = calloc(1, sizeof(*t));
	struct pbmpi_blk *v = malloc((maxblk ? maxblk : 1) * sizeof(*v));
	if (!t || !v) {
		free(t);
		free(v);
		return MPI_ERR_INTERN;
	}
	int n = 0;
	ptrdiff_t lo = 0, hi = 0;
	for (int i = 0; i < count; i++)
		for (int j = 0; j < blocklen; j++) {
			ptrdiff_t base =
				((ptrdiff_t)i * stride_el + j) * old->extent;
			for (int b = 0; b < old->nblk; b++)
				blk_add(v, &n, base + old->blk[b].off,
					old->blk[b].len);
			/* the standard's lb/ub: from the old type's, at every
			 * displacement used */
			if ((i == 0 && j == 0) || base + old->lb < lo)
				lo = base + old->lb;
			if ((i == 0 && j == 0) ||
			    base + old->lb + old->extent > hi)
				hi = base + old->lb + old->extent;
		}
	t->size = nelem * old->size;
	t->lb = nelem ? lo : 0;
	t->extent = nelem ? hi - lo : 0;
	t->nblk = n;
	t->blk = v;
	t->elem = old->elem;
	t->contig = n == 0 || (n == 1 && v[0].off == 0 && t->lb == 0 &&
			       (size_t)t->extent == t->size);
	int rc = handle_new(t, out);
	if (rc) {
		free(v);
		free(t);
	}
	return rc;
}

int MPI_Type_contiguous(int count, MPI_Datatype oldtype,
			MPI_Datatype *newtype)
{
	PBMPI_CHECK_RUNNING("MPI_Type_contiguous");
	struct pbmpi_dtype *old = pbmpi_dtype_get(oldtype);
	int rc = !old ? MPI_ERR_TYPE
		 : count < 0 ? MPI_ERR_COUNT
		 : !newtype ? MPI_ERR_ARG
			    : make_strided(1, count, 0, old, newtype);
	return pbmpi_raise(NULL, rc, "MPI_Type_contiguous");
}

int MPI_Type_vector(int count, int blocklength, int stride,
		    MPI_Datatype oldtype, MPI_Datatype *newtype)
{
	PBMPI_CHECK_RUNNING("MPI_Type_vector");
	struct pbmpi_dtype *old = pbmpi_dtype_get(oldtype);
	int rc = !old ? MPI_ERR_TYPE
		 : count < 0 || blocklength < 0 ? MPI_ERR_COUNT
		 : !newtype ? MPI_ERR_ARG
			    : make_strided(count, blocklength, stride, old,
					   newtype);
	return pbmpi_raise(NULL, rc, "MPI_Type_vector");
}

int MPI_Type_commit(MPI_Datatype *datatype)
{
	PBMPI_CHECK_RUNNING("MPI_Type_commit");
	struct pbmpi_dtype *t = datatype ? pbmpi_dtype_get(*datatype) : NULL;
	if (!t)
		return pbmpi_raise(NULL, MPI_ERR_TYPE, "MPI_Type_commit");
	t->committed = 1;
	t->fast = t->contig;
	return MPI_SUCCESS;
}

int MPI_Type_free(MPI_Datatype *datatype)
{
	PBMPI_CHECK_RUNNING("MPI_Type_free");
	struct pbmpi_dtype *t = datatype ? pbmpi_dtype_get(*datatype) : NULL;
	if (!t || t->predefined)
		return pbmpi_raise(NULL, MPI_ERR_TYPE, "MPI_Type_free");
	/* pending operations keep their reference: the type goes when the
	 * last of them completes */
	t->handle_idx = -1;
	*datatype = MPI_DATATYPE_NULL;
	pbmpi_dtype_unref(t);
	return MPI_SUCCESS;
}

int MPI_Type_size(MPI_Datatype datatype, int *size)
{
	PBMPI_CHECK_RUNNING("MPI_Type_size");
	struct pbmpi_dtype *t = pbmpi_dtype_get(datatype);
	if (!t)
		return pbmpi_raise(NULL, MPI_ERR_TYPE, "MPI_Type_size");
	if (!size)
		return pbmpi_raise(NULL, MPI_ERR_ARG, "MPI_Type_size");
	*size = t->size > INT32_MAX ? MPI_UNDEFINED : (int)t->size;
	return MPI_SUCCESS;
}

int MPI_Type_get_extent(MPI_Datatype datatype, MPI_Aint *lb,
			MPI_Aint *extent)
{
	PBMPI_CHECK_RUNNING("MPI_Type_get_extent");
	struct pbmpi_dtype *t = pbmpi_dtype_get(datatype);
	if (!t)
		return pbmpi_raise(NULL, MPI_ERR_TYPE, "MPI_Type_get_extent");
	if (!lb || !extent)
		return pbmpi_raise(NULL, MPI_ERR_ARG, "MPI_Type_get_extent");
	*lb = t->lb;
	*extent = t->extent;
	return MPI_SUCCESS;
}

int MPI_Get_count(const MPI_Status *status, MPI_Datatype datatype,
		  int *count)
{
	PBMPI_CHECK_RUNNING("MPI_Get_count");
	struct pbmpi_dtype *t = pbmpi_dtype_get(datatype);
	if (!t)
		return pbmpi_raise(NULL, MPI_ERR_TYPE, "MPI_Get_count");
	if (!status || status == MPI_STATUS_IGNORE || !count)
		return pbmpi_raise(NULL, MPI_ERR_ARG, "MPI_Get_count");
	if (t->size == 0)
		*count = 0;
	else if (status->pb_count % t->size ||
		 status->pb_count / t->size > INT32_MAX)
		*count = MPI_UNDEFINED;
	else
		*count = (int)(status->pb_count / t->size);
	return MPI_SUCCESS;
}
