/* fuzz_rx.h - the entry point shared by libFuzzer and the replay driver. */
#ifndef PB_FUZZ_RX_H
#define PB_FUZZ_RX_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Receives the inputs completed so far (replay checks seeds reach them). */
extern unsigned long fuzz_completed;

/* Op codes of the input format (fuzz_rx.c). */
enum {
	FZ_POLL = 0,
	FZ_POST = 1,
	FZ_WRITE = 2,
	FZ_PUBLISH = 3,
	FZ_SLOTWRITE = 4,
	FZ_CANCEL = 5,
	FZ_POOLWRITE = 6,
	FZ_SEQ = 7,
};

#endif
