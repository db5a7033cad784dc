#!/usr/bin/env bash
# Download the PETRARCH/Phoenix dictionaries (MIT licence, Open Event Data Alliance) into a folder
# you name, for `eventcoder ... --petrarch-dir FOLDER` (see docs/petrarch.md).
#
#   ./scripts/fetch_phoenix_dictionaries.sh ~/phoenix-dictionaries
#
# The files come from the openeventdata/petrarch2 repository on GitHub (the PETRARCH2 release's
# petrarch2/data/dictionaries; a file missing there is taken from the same repository's
# petrarch/data/dictionaries), with the repository's LICENSE. Set PETRARCH_REF to pin a commit.
# Nothing is written into the project: keep the folder outside it, the files are not ours to ship.
# Existing files in the folder are replaced. Needs curl. Tests never run this script.
set -euo pipefail

if [[ $# -ne 1 || "$1" == -h || "$1" == --help ]]; then
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi

target="$1"
ref="${PETRARCH_REF:-master}"
base="https://raw.githubusercontent.com/openeventdata/petrarch2/${ref}"
folders=("petrarch2/data/dictionaries" "petrarch/data/dictionaries")
files=(
    CAMEO.2.0.txt
    Phoenix.Countries.actors.txt
    Phoenix.International.actors.txt
    Phoenix.MilNonState.actors.txt
    Phoenix.agents.txt
    Phoenix.discards.txt
)

mkdir -p "$target"
for name in "${files[@]}"; do
    fetched=""
    for folder in "${folders[@]}"; do
        # Download to a temporary name first, so a failed transfer never leaves half a dictionary.
        if curl --fail --silent --show-error --location --retry 3 \
            --output "$target/.$name.part" "$base/$folder/$name" 2>/dev/null; then
            mv "$target/.$name.part" "$target/$name"
            fetched="$folder"
            break
        fi
    done
    rm -f "$target/.$name.part"
    if [[ -z "$fetched" ]]; then
        echo "fetch_phoenix_dictionaries: could not download $name from $base (${folders[*]})" >&2
        exit 1
    fi
    echo "$name <- $fetched ($(wc -c <"$target/$name") bytes)"
done

curl --fail --silent --show-error --location --retry 3 --output "$target/LICENSE" "$base/LICENSE" \
    || echo "fetch_phoenix_dictionaries: warning: could not download LICENSE (MIT); keep its notice with the files" >&2

echo "Done. Check what loads with: eventcoder dictionaries report --petrarch-dir $target"
