#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The docs live in the repository (issue 11): no file refers to the
# project's private notes, which a clone does not have, and every relative
# link in the Markdown files leads to a file of the repository (and, for a
# link into a Markdown file, to one of its headings).  No build, no boot.
. "$(dirname "$0")/tap.sh"
cd "$TOP" || exit 1

# The repository's files: tracked ones, and new ones not ignored, so a
# reference is caught before it is committed.  Without git, everything but
# the build output.
if git rev-parse --git-dir > /dev/null 2>&1; then
	mapfile -t all < <(git ls-files --cached --others --exclude-standard)
else
	mapfile -t all < <(find . -path ./build -prune -o -path ./.git -prune -o \
		-type f -print | sed 's|^\./||')
fi
files=()
declare -A have	# every file, and every directory that holds one
for f in "${all[@]}"; do
	[ -f "$f" ] || continue
	files+=("$f")
	have[$f]=1
	d=$f
	while [[ $d == */* ]]; do
		d=${d%/*}
		have[$d]=1
	done
done
mds=()
for f in "${files[@]}"; do
	[[ $f == *.md ]] && mds+=("$f")
done

plan $((4 + ${#mds[@]}))

# References to the private notes: their directory (relative or absolute),
# and the file name by which comments used to cite it.  The patterns are
# written so that they do not match this file.
hits=$(grep -HnIE '(\.\./|/work/)shared\b' -- "${files[@]}")
is "no file refers to the private notes directory" "$hits" ""
hits=$({ grep -HnIE '\bDESIGN\b' -- "${files[@]}"
	 grep -HniIE 'design\.md' -- "${files[@]}"; } | sort -u)
is "no file cites the private design document" "$hits" ""

is "docs/architecture.md is in the repository" "${have[docs/architecture.md]:-}" 1
like "README.md links docs/architecture.md" "$(cat README.md)" \
	'\]\(docs/architecture\.md(#[^)]*)?\)'

# Link targets of a Markdown file, one per line: inline links and
# reference definitions, outside fenced code and inline code spans.
links() {
	awk '
	/^[ \t]*(```|~~~)/ { fence = !fence; next }
	fence { next }
	{
		line = $0
		# Code spans go; a link whose text is code keeps its target.
		gsub(/`[^`]*`/, "", line)
		if (match(line, /^[ \t]*\[[^]]+\]:[ \t]*/)) {
			t = substr(line, RLENGTH + 1)
			sub(/[ \t].*/, "", t)
			print t
			next
		}
		while (match(line, /\]\([^)]*\)/)) {
			t = substr(line, RSTART + 2, RLENGTH - 3)
			line = substr(line, RSTART + RLENGTH)
			sub(/^[ \t]+/, "", t)
			sub(/[ \t].*/, "", t)	# an optional "title"
			gsub(/^<|>$/, "", t)
			print t
		}
	}' "$1"
}

# The anchors GitHub makes for a Markdown file's headings: lower case,
# punctuation dropped, spaces to hyphens, repeats numbered (ASCII only).
anchors() {
	awk '
	/^[ \t]*(```|~~~)/ { fence = !fence; next }
	fence { next }
	/^#+[ \t]/ {
		h = $0
		sub(/^#+[ \t]+/, "", h)
		sub(/[ \t]+#+[ \t]*$/, "", h)
		h = tolower(h)
		gsub(/[^a-z0-9 _-]/, "", h)
		gsub(/ /, "-", h)
		n = seen[h]++
		print (n ? h "-" n : h)
	}' "$1"
}

for md in "${mds[@]}"; do
	dir=$(dirname "$md")
	bad=()
	while IFS= read -r t; do
		[ -n "$t" ] || continue
		# Other schemes (https:, mailto:) are not files of the repository.
		[[ $t =~ ^[A-Za-z][A-Za-z0-9+.-]*: ]] && continue
		path=${t%%#*}
		anchor=
		[[ $t == *#* ]] && anchor=${t#*#}
		if [ -z "$path" ]; then
			target=$md
		elif [[ $path == /* ]]; then
			target=$(realpath -m --relative-to=. "./$path")
		else
			target=$(realpath -m --relative-to=. "$dir/$path")
		fi
		if [[ $target == ../* || $target == .. ]]; then
			bad+=("$t: outside the repository")
			continue
		fi
		if [ -z "${have[$target]:-}" ]; then
			bad+=("$t: no such file in the repository")
			continue
		fi
		if [ -n "$anchor" ] && [[ $target == *.md ]] &&
		   ! anchors "$target" | grep -qxF -- "$anchor"; then
			bad+=("$t: no heading '#$anchor' in $target")
		fi
	done < <(links "$md")
	if [ ${#bad[@]} -eq 0 ]; then
		ok "every relative link in $md resolves"
	else
		not_ok "every relative link in $md resolves" "${bad[@]}"
	fi
done
done_testing
