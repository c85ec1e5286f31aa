/*
 * sync.c - synchronous sends (MPI_Ssend, MPI_Issend) over a transport that
 * cannot flag a message.
 *
 * MPI_Ssend may complete only once the receiver has matched its message.
 * An MPI layer usually flags the message (a bit in the tag that receives
 * ignore) and the receiver answers flagged ones. Postbox matches tags
 * exactly and its status carries no flag (docs/mpi.md, "Postbox
 * capabilities"), so the message b cannot be told apart from its
 * neighbours by the receiver. What identifies b is its rank among the
 * messages of its envelope: Postbox matches the messages of one
 * (source, channel, tag) strictly in order, so the set of them received
 * so far is always a prefix of the set sent. Hence:
 *
 *   - every rank counts, per envelope, the messages it sent and those it
 *     received on point-to-point channels (struct pbmpi_cnt);
 *   - an Issend first sends ANNOUNCE(ch, tag, seq = messages of this
 *     envelope sent before b, id) on the hidden control channel, then b;
 *   - the receiver answers ACK(id) once it has received more than seq
 *     messages of that envelope: b, and everything older, is received.
 *
 * Nothing is held back and no probe is needed, so a synchronous send never
 * changes the order in which anything matches.
 *
 * The answer goes out from whatever MPI call the receiver is in. ANNOUNCE
 * travels on the same ring as b and before it, so when any receive
 * returns, the announcement of the message it returned (if synchronous) has
 * been read; receives the receiver completes inside its own loops are
 * counted as they complete, and while an announcement waits those loops
 * poll every posted receive request. A blocking receive may therefore wait
 * inside Postbox whenever no receive request is posted: nothing but that
 * receive itself can take b meanwhile (pbmpi_recv_fast_ok).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct pbmpi_rxsync {
	struct pbmpi_rxsync *next;
	int src;
	unsigned ch;
	int tag;
	uint32_t need;  /* answer when received(src, ch, tag) reaches this */
	uint64_t id;
};

/* ---- per-envelope counters: open addressing, linear probing ----------- */
static struct pbmpi_cnt *ct;
static size_t ccap, cn; /* ccap: a power of two, or 0 */
struct pbmpi_cnt *pbmpi_cnt_last;

static size_t cnt_hash(int peer, unsigned ch, int tag)
{
	uint64_t h = (uint64_t)(uint32_t)peer * 0x9e3779b97f4a7c15ull;
	h ^= ((uint64_t)ch << 32 | (uint32_t)tag) * 0xc2b2ae3d27d4eb4full;
	return (size_t)(h ^ (h >> 29));
}

static struct pbmpi_cnt *cnt_slot(struct pbmpi_cnt *t, size_t cap, int peer,
				  unsigned ch, int tag)
{
	size_t i = cnt_hash(peer, ch, tag) & (cap - 1);
	while (t[i].ch && !(t[i].peer == peer && t[i].tag == tag &&
			    t[i].ch == ch))
		i = (i + 1) & (cap - 1);
	return &t[i];
}

/* Rebuild at cap slots, dropping the entries of channel drop (0: none). */
static void cnt_rebuild(size_t cap, unsigned drop)
{
	struct pbmpi_cnt *t = calloc(cap, sizeof(*t));
	if (!t)
		pbmpi_fatal("out of memory for message counters",
			    MPI_ERR_INTERN);
	size_t n = 0;
	for (size_t i = 0; i < ccap; i++) {
		if (!ct[i].ch || ct[i].ch == drop)
			continue;
		*cnt_slot(t, cap, ct[i].peer, ct[i].ch, ct[i].tag) = ct[i];
		n++;
	}
	free(ct);
	ct = t;
	ccap = cap;
	cn = n;
	pbmpi_cnt_last = NULL;
}

struct pbmpi_cnt *pbmpi_cnt_find(int peer, unsigned ch, int tag)
{
	if (2 * (cn + 1) > ccap)
		cnt_rebuild(ccap ? 2 * ccap : 256, 0);
	struct pbmpi_cnt *e = cnt_slot(ct, ccap, peer, ch, tag);
	if (!e->ch) {
		e->peer = peer;
		e->tag = tag;
		e->ch = ch;
		cn++;
	}
	pbmpi_cnt_last = e;
	return e;
}

void pbmpi_cnt_reset(unsigned ch)
{
	/* the communicator that used this channel before is gone, and all
	 * its members reset before any of them can send on the new one */
	if (ccap)
		cnt_rebuild(ccap, ch);
}

void pbmpi_sync_fini(void)
{
	free(ct);
	ct = NULL;
	ccap = cn = 0;
	pbmpi_cnt_last = NULL;
	while (pbmpi_g.rx_head) {
		struct pbmpi_rxsync *s = pbmpi_g.rx_head;
		pbmpi_g.rx_head = s->next;
		free(s);
	}
}

/* ---- the control channel ---------------------------------------------- */

int pbmpi_ctrl_start(void)
{
	memset(&pbmpi_g.cbuf, 0, sizeof(pbmpi_g.cbuf));
	return pb_irecv_ch(pbmpi_g.job, PB_ANY_SOURCE, PB_ANY_TAG, CH_CTRL,
			   &pbmpi_g.cbuf, sizeof(pbmpi_g.cbuf), &pbmpi_g.creq);
}

int pbmpi_ctrl_stop(void)
{
	if (!pbmpi_g.creq)
		return 0;
	if (pb_cancel(&pbmpi_g.creq) == 0)
		return 0;
	/* it matched a stray control message: take it and drop it */
	return pb_wait(&pbmpi_g.creq, NULL);
}

static void ack(int dest, uint64_t id)
{
	struct pbmpi_ctrl a = {CM_ACK, 0, 0, 0, id};
	int rc = pb_send_ch(pbmpi_g.job, dest, 0, CH_CTRL, &a, sizeof(a));
	if (rc)
		pbmpi_fatal("cannot answer a synchronous send",
			    pbmpi_err_pb(rc));
}

void pbmpi_ctrl_handle(const struct pbmpi_ctrl *m, int src)
{
	if (m->kind == CM_ANNOUNCE) {
		struct pbmpi_rxsync *s = calloc(1, sizeof(*s));
		if (!s)
			pbmpi_fatal("out of memory for a synchronous-send "
				    "announcement", MPI_ERR_INTERN);
		s->src = src;
		s->ch = m->ch;
		s->tag = m->tag;
		s->need = m->seq + 1;
		s->id = m->id;
		s->next = pbmpi_g.rx_head;
		pbmpi_g.rx_head = s;
		return;
	}
	if (m->kind != CM_ACK)
		return;
	for (struct pbmpi_req **pp = &pbmpi_g.txs_head; *pp;
	     pp = &(*pp)->next) {
		struct pbmpi_req *r = *pp;
		if (r->peer == src && r->sync_id == m->id) {
			*pp = r->next;
			r->next = NULL;
			r->acked = 1;
			return;
		}
	}
}

void pbmpi_rx_resolve(void)
{
	struct pbmpi_rxsync **pp = &pbmpi_g.rx_head;
	while (*pp) {
		struct pbmpi_rxsync *s = *pp;
		struct pbmpi_cnt *e = pbmpi_cnt(s->src, s->ch, s->tag);
		if ((int32_t)(e->recvd - s->need) < 0) {
			pp = &s->next;
			continue;
		}
		ack(s->src, s->id);
		*pp = s->next;
		free(s);
	}
}
