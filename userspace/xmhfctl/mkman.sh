#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Writes the man page xmhfctl(8) from the tool's own help, so the two cannot
# drift: `xmhfctl --help` gives the global options and the list of commands,
# `xmhfctl COMMAND --help` each command's synopsis, text and options.  The
# template (xmhfctl.8.in) holds what --help does not say: NAME, the rest of
# DESCRIPTION, EXIT STATUS, EXAMPLES and SEE ALSO.
#
# Usage: mkman.sh XMHFCTL TEMPLATE > xmhfctl.8
set -eu

[ $# -eq 2 ] || { echo "usage: mkman.sh XMHFCTL TEMPLATE" >&2; exit 2; }
X=$1
TEMPLATE=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$X" --help > "$tmp/main" || { echo "mkman.sh: '$X --help' failed" >&2; exit 1; }
version=$("$X" --version | awk '{ print $2 }')
[ -n "$version" ] || { echo "mkman.sh: '$X --version' printed no version" >&2; exit 1; }

# The command names: the indented lines after "Commands:", up to a blank line.
cmds=$(awk '/^Commands:$/ { on = 1; next } on && /^$/ { exit } on { print $1 }' "$tmp/main")
[ -n "$cmds" ] || { echo "mkman.sh: no 'Commands:' list in '$X --help'" >&2; exit 1; }
for c in $cmds; do
	"$X" "$c" --help > "$tmp/cmd-$c" ||
		{ echo "mkman.sh: '$X $c --help' failed" >&2; exit 1; }
done

# The awk part formats help text as roff.  Conventions of the help text:
#   "usage: ..." first, continued by lines indented by 8 or more spaces;
#   "  TERM  text" (a term, two or more spaces, text) starts a list item,
#   a more deeply indented line continues it; other lines are prose.
ROFF_AWK='
function esc(s) {
	gsub(/\\/, "\\e", s)
	gsub(/-/, "\\-", s)
	return s
}
# Bold what is typed as is, italics for what the user replaces (upper case).
function fmt_word(w,    out, c, word) {
	out = ""
	while (w != "") {
		if (match(w, /^[A-Za-z0-9_.-]+/)) {
			word = substr(w, 1, RLENGTH)
			w = substr(w, RLENGTH + 1)
			if (word ~ /^[A-Z][A-Z0-9_]*$/)
				out = out "\\fI" esc(word) "\\fR"
			else
				out = out "\\fB" esc(word) "\\fR"
		} else {
			c = substr(w, 1, 1)
			w = substr(w, 2)
			out = out esc(c)
		}
	}
	return out
}
function fmt_syn(s,    n, i, a, out) {
	n = split(s, a, / +/)
	out = ""
	for (i = 1; i <= n; i++)
		if (a[i] != "")
			out = out (out == "" ? "" : " ") fmt_word(a[i])
	return out
}
function line_out(s) {
	if (s ~ /^[.\047]/)
		s = "\\&" s
	print s
}
function flush_item() {
	if (term != "") {
		print ".TP"
		line_out(fmt_syn(term))
		line_out(esc(desc))
	}
	term = ""; desc = ""
}
# Prints the body of one help text (after its usage lines).
function body(text,    n, i, l, lines, ind, brk) {
	n = split(text, lines, "\n")
	term = ""; desc = ""; brk = 0
	for (i = 1; i <= n; i++) {
		l = lines[i]
		if (l ~ /^[ ]*$/) {
			flush_item()
			brk = 1
			continue
		}
		match(l, /^ */)
		ind = RLENGTH
		if (ind > 0 && term != "" && ind > term_ind) {
			# Deeper than the term: the item goes on.
			sub(/^ +/, "", l)
			desc = desc " " l
		} else if (ind > 0 && match(l, /^ +[^ ]+( [^ ]+)*  +[^ ]/)) {
			# "  TERM  text": the term ends at the first run of 2+ spaces.
			flush_item()
			sub(/^ +/, "", l)
			match(l, /  +/)
			term = substr(l, 1, RSTART - 1)
			desc = substr(l, RSTART + RLENGTH)
			term_ind = ind
			brk = 1
		} else {
			flush_item()
			if (brk) { print ".PP"; brk = 0 }
			sub(/^ +/, "", l)
			line_out(esc(l))
		}
	}
	flush_item()
}
'

# Splits one help text into its synopsis (the usage lines, joined) and body.
split_help() {	# FILE -> $tmp/syn, $tmp/body
	awk -v syn="$tmp/syn" -v bod="$tmp/body" '
		NR == 1 {
			if (sub(/^usage: /, "") != 1) { print "no usage line" > "/dev/stderr"; exit 1 }
			s = $0; insyn = 1; next
		}
		insyn && /^        / { sub(/^ +/, ""); s = s " " $0; next }
		{ insyn = 0; print > bod }
		END { print s > syn }' "$1"
	[ -e "$tmp/body" ] || : > "$tmp/body"
}

# SYNOPSIS: the global usage, then each command's.
{
	# Left-aligned, not hyphenated, a wrapped line hangs by 4n.
	split_help "$tmp/main"
	printf '.nh\n.ad l\n.in +4n\n.ti -4n\n'
	awk "$ROFF_AWK"'{ line_out(fmt_syn($0)) }' "$tmp/syn"
	for c in $cmds; do
		rm -f "$tmp/body"
		split_help "$tmp/cmd-$c"
		printf '.br\n.ti -4n\n'
		awk "$ROFF_AWK"'{ line_out(fmt_syn($0)) }' "$tmp/syn"
	done
	printf '.in\n.ad\n.hy\n'
} > "$tmp/SYNOPSIS"

# DESCRIPTION: the first line of prose in the global help.
awk "$ROFF_AWK"'NR > 1 && /^[^ ]/ && !/:$/ { line_out(esc($0)); exit }' "$tmp/main" > "$tmp/DESCRIPTION"

# OPTIONS: the global options.
awk "$ROFF_AWK"'
	/^Options:$/ { on = 1; next }
	on && /^$/ { exit }
	on { t = t $0 "\n" }
	END { body(t) }' "$tmp/main" > "$tmp/OPTIONS"

# COMMANDS: one subsection per command, with its synopsis, text and options.
for c in $cmds; do
	rm -f "$tmp/body"
	split_help "$tmp/cmd-$c"
	{
		printf '%s\n' "$c" | awk "$ROFF_AWK"'{ print ".SS " esc($0) }'
		awk "$ROFF_AWK"'{ line_out(fmt_syn($0)) }' "$tmp/syn"
		echo ".PP"
		awk "$ROFF_AWK"'{ t = t $0 "\n" } END { body(t) }' "$tmp/body"
	} >> "$tmp/COMMANDS"
done

# Fill the template: a line that is only @NAME@ takes the file $tmp/NAME.
awk -v dir="$tmp" -v version="$version" '
	/^@[A-Z]+@$/ {
		f = dir "/" substr($0, 2, length($0) - 2)
		n = 0
		while ((getline l < f) > 0) { print l; n++ }
		close(f)
		if (n == 0) { print "mkman.sh: nothing for " $0 > "/dev/stderr"; exit 1 }
		next
	}
	{ gsub(/@VERSION@/, version); print }' "$TEMPLATE"
