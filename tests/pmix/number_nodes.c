/*
 * number_nodes.c - unit test of pb_boot_number_nodes, the numbering every
 * PMIx job's node map goes through: nodes 0..K-1 in order of their first
 * rank, whatever the order or spelling of the launcher's keys.
 */
#include <stdio.h>
#include <string.h>

#include "boot/boot.h"

static int failed;

static void expect(const char *what, char *const *key, int size,
		   const int *want, int want_k)
{
	int got[16];
	int k = pb_boot_number_nodes(key, size, got);
	int ok = k == want_k;
	for (int r = 0; ok && r < size; r++)
		ok = got[r] == want[r];
	if (!ok) {
		fprintf(stderr, "number_nodes: %s: got K=%d:", what, k);
		for (int r = 0; r < size && k >= 0; r++)
			fprintf(stderr, " %d", got[r]);
		fprintf(stderr, "\n");
		failed = 1;
	}
}

int main(void)
{
	char *one[] = {"h"};
	expect("one rank", one, 1, (int[]){0}, 1);

	char *same[] = {"vm", "vm", "vm", "vm"};
	expect("one node", same, 4, (int[]){0, 0, 0, 0}, 1);

	/* keys sort the other way than ranks: numbering follows ranks */
	char *block[] = {"z", "z", "a", "a", "m"};
	expect("block", block, 5, (int[]){0, 0, 1, 1, 2}, 3);

	char *cyclic[] = {"b", "a", "b", "a", "b"};
	expect("cyclic", cyclic, 5, (int[]){0, 1, 0, 1, 0}, 2);

	/* node ids as text: "10" and "9" are just different nodes */
	char *ids[] = {"10", "9", "10", "1", "9", "1"};
	expect("node ids", ids, 6, (int[]){0, 1, 0, 2, 1, 2}, 3);

	char *distinct[] = {"n3", "n2", "n1", "n0"};
	expect("one rank per node", distinct, 4, (int[]){0, 1, 2, 3}, 4);

	/* a prefix is not the same host */
	char *prefix[] = {"node1", "node10", "node1"};
	expect("prefix", prefix, 3, (int[]){0, 1, 0}, 2);

	if (!failed)
		printf("number_nodes: OK\n");
	return failed;
}
