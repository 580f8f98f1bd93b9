/*
 * The native ceiling for weir's body scan: the same serialized stream-mode databases that weir's
 * engine built for the raw request body, fed the same data file in the same body and chunk
 * sizes, straight through libhs with no JavaScript, N-API, transforms or decoding in between.
 * bench/sections/body-scan.ts runs it interleaved with weir and prints weir / this.
 *
 * Usage: hs-stream-baseline DATA BODY_BYTES CHUNK_BYTES WARMUP_BYTES SECONDS DB...
 *   DATA          file of bodies laid end to end, each exactly BODY_BYTES long
 *   WARMUP_BYTES  bytes scanned (from the start of DATA) before the timed pass
 *   SECONDS       the timed pass stops after the first body that ends past this many seconds
 *                 (or at the end of DATA), as weir's side does
 *   DB            files written by hyperscan-js Database.serialize(), all stream mode
 * Per body, one stream is opened per database; each chunk is scanned by every stream in turn
 * (weir's lanes do the same); the streams are closed at the end of the body.
 * Prints one JSON line: {"bytes":N,"seconds":S,"mbps":M,"matches":K,"databases":D}.
 */
#define _POSIX_C_SOURCE 199309L
#include <hs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_DATABASES 64

static void fail(const char *what, const char *detail) {
  fprintf(stderr, "hs-stream-baseline: %s: %s\n", what, detail);
  exit(1);
}

static unsigned char *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) fail("cannot open", path);
  if (fseek(f, 0, SEEK_END) != 0) fail("cannot seek", path);
  long end = ftell(f);
  if (end < 0) fail("cannot size", path);
  rewind(f);
  unsigned char *bytes = malloc(end > 0 ? (size_t)end : 1);
  if (bytes == NULL) fail("out of memory reading", path);
  if (end > 0 && fread(bytes, 1, (size_t)end, f) != (size_t)end) fail("short read", path);
  fclose(f);
  *size = (size_t)end;
  return bytes;
}

static size_t parse_size(const char *text, const char *name) {
  char *end = NULL;
  unsigned long long value = strtoull(text, &end, 10);
  if (end == text || *end != '\0' || value == 0) fail(name, "must be a positive integer");
  return (size_t)value;
}

static int count_match(unsigned int id, unsigned long long from, unsigned long long to,
                       unsigned int flags, void *context) {
  (void)id;
  (void)from;
  (void)to;
  (void)flags;
  (*(uint64_t *)context)++;
  return 0;
}

struct scanner {
  hs_database_t *db[MAX_DATABASES];
  hs_stream_t *stream[MAX_DATABASES];
  int count;
  hs_scratch_t *scratch;
  uint64_t matches;
};

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Scans whole bodies from the start of data until `bytes` or `deadline`; returns bytes done. */
static size_t scan_bodies(struct scanner *s, const unsigned char *data, size_t bytes,
                          size_t body_bytes, size_t chunk_bytes, double deadline) {
  size_t body = 0;
  for (; body + body_bytes <= bytes && now_seconds() < deadline; body += body_bytes) {
    for (int i = 0; i < s->count; i++) {
      if (hs_open_stream(s->db[i], 0, &s->stream[i]) != HS_SUCCESS) fail("hs_open_stream", "");
    }
    for (size_t off = 0; off < body_bytes; off += chunk_bytes) {
      size_t len = body_bytes - off < chunk_bytes ? body_bytes - off : chunk_bytes;
      for (int i = 0; i < s->count; i++) {
        if (hs_scan_stream(s->stream[i], (const char *)data + body + off, (unsigned int)len, 0,
                           s->scratch, count_match, &s->matches) != HS_SUCCESS) {
          fail("hs_scan_stream", "");
        }
      }
    }
    for (int i = 0; i < s->count; i++) {
      if (hs_close_stream(s->stream[i], s->scratch, count_match, &s->matches) != HS_SUCCESS) {
        fail("hs_close_stream", "");
      }
    }
  }
  return body;
}

int main(int argc, char **argv) {
  if (argc < 7) {
    fprintf(stderr, "usage: %s DATA BODY_BYTES CHUNK_BYTES WARMUP_BYTES SECONDS DB...\n", argv[0]);
    return 2;
  }
  size_t bytes = 0;
  unsigned char *data = read_file(argv[1], &bytes);
  size_t body_bytes = parse_size(argv[2], "BODY_BYTES");
  size_t chunk_bytes = parse_size(argv[3], "CHUNK_BYTES");
  size_t warmup_bytes = strtoull(argv[4], NULL, 10);
  double budget = strtod(argv[5], NULL);
  if (!(budget > 0)) fail("SECONDS", "must be a positive number");
  if (bytes < body_bytes) fail("DATA", "shorter than one body");

  struct scanner s = {.count = 0, .scratch = NULL, .matches = 0};
  for (int a = 6; a < argc; a++) {
    if (s.count == MAX_DATABASES) fail("too many databases", argv[a]);
    size_t size = 0;
    unsigned char *serialized = read_file(argv[a], &size);
    hs_database_t *db = NULL;
    if (hs_deserialize_database((const char *)serialized, size, &db) != HS_SUCCESS) {
      fail("hs_deserialize_database", argv[a]);
    }
    free(serialized);
    if (hs_alloc_scratch(db, &s.scratch) != HS_SUCCESS) fail("hs_alloc_scratch", argv[a]);
    s.db[s.count++] = db;
  }

  size_t whole = bytes - bytes % body_bytes;
  size_t warm = warmup_bytes - warmup_bytes % body_bytes;
  if (warm > whole) warm = whole;
  if (warm > 0) scan_bodies(&s, data, warm, body_bytes, chunk_bytes, now_seconds() + budget);

  s.matches = 0;
  double start = now_seconds();
  size_t done = scan_bodies(&s, data, whole, body_bytes, chunk_bytes, start + budget);
  double seconds = now_seconds() - start;

  printf("{\"bytes\":%zu,\"seconds\":%.6f,\"mbps\":%.1f,\"matches\":%llu,\"databases\":%d}\n",
         done, seconds, (double)done / seconds / 1e6, (unsigned long long)s.matches, s.count);
  for (int i = 0; i < s.count; i++) hs_free_database(s.db[i]);
  hs_free_scratch(s.scratch);
  free(data);
  return 0;
}
