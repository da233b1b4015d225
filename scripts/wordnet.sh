#!/usr/bin/env bash
# Derives search/data/wordnet.tsv.gz from WordNet 3.0 (Debian's
# wordnet-base package), installing the package when it is missing.
# The output is deterministic: running this twice gives the same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f /usr/share/wordnet/index.noun ]; then
  apt-get install -y wordnet-base || { apt-get update && apt-get install -y wordnet-base; }
fi
go run scripts/wordnet/build.go -dict /usr/share/wordnet -out search/data/wordnet.tsv.gz
