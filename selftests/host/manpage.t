#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# xmhfctl(8) against xmhfctl's own help: every command and option that
# `xmhfctl --help` and `xmhfctl COMMAND --help` name is in the page, in its
# place (a command's options in that command's subsection), and every long
# option the page names, examples included, is one that --help knows.
. "$(dirname "$0")/tap.sh"

X=$BUILD/userspace/xmhfctl
page=$BUILD/userspace/xmhfctl.8
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# NAME TEXT: passes when TEXT is empty, else shows each of its lines.
empty() { if [ -z "$2" ]; then ok "$1"; else local -a l; mapfile -t l <<<"$2"; not_ok "$1" "${l[@]}"; fi; }

if [ ! -x "$X" ] || [ ! -s "$page" ]; then
	plan 1
	not_ok "xmhfctl and its page are built" "missing: $X or $page (run make)"
	exit 1
fi

# Option words: -x or --long, at the start of a word.
opts() { grep -oE '(^|[^A-Za-z0-9_-])--?[A-Za-z][A-Za-z0-9-]*' | sed -E 's/^[^-]+//' | sort -u; }

"$X" --help > "$tmp/main"
cmds=$(awk '/^Commands:$/ { on = 1; next } on && /^$/ { exit } on { print $1 }' "$tmp/main")
ncmds=$(wc -w <<<"$cmds")
for c in $cmds; do "$X" "$c" --help > "$tmp/cmd-$c" 2>&1 || echo "exit $?" >> "$tmp/cmd-$c"; done

plan $((9 + 2 * ncmds))

# The page as text: wide enough that no option is broken across lines.
text=$(groff -man -Tascii -P-cbou -rLL=300n -rHY=0 "$page" 2>"$tmp/groff.err")
is "groff renders the page" "$?" 0
warn=$(groff -man -Tascii -ww -z "$page" 2>&1)
is "groff has no warning about the page" "$warn" ""

sections=$(grep -E '^[A-Z][A-Z ]+$' <<<"$text" | tr '\n' ',')
is "the sections, in order" "$sections" \
	"NAME,SYNOPSIS,DESCRIPTION,COMMANDS,OPTIONS,EXIT STATUS,FILES,EXAMPLES,SEE ALSO,"

section() { awk -v s="$1" '$0 == s { on = 1; next } /^[A-Z]/ { on = 0 } on' <<<"$text"; }
subsection() {
	awk -v s="   $1" '$0 == s { on = 1; next } /^[A-Z]/ || /^   [^ ]/ { on = 0 } on' <<<"$(section COMMANDS)"
}

is "the footer has xmhfctl --version's version" \
	"$(tail -n 1 <<<"$text" | awk '{ print $2 }')" "$("$X" --version | awk '{ print $2 }')"

# Global options: in OPTIONS.
missing=$(comm -23 <(awk '/^Options:$/ { on = 1; next } on && /^$/ { exit } on' "$tmp/main" | opts) \
	<(section OPTIONS | opts) | tr '\n' ' ')
is "every global option of --help is in OPTIONS" "$missing" ""

# Commands, both ways.
page_cmds=$(section COMMANDS | sed -n 's/^   \([^ ].*\)$/\1/p' | sort)
empty "the page's commands are --help's commands" "$(diff <(echo "$page_cmds") <(sort <<<"$cmds"))"

for c in $cmds; do
	sub=$(subsection "$c")
	like "$c: its synopsis is in the page" "$sub" "^       xmhfctl .*$c"
	missing=$(comm -23 <(opts < "$tmp/cmd-$c") <(opts <<<"$sub") | tr '\n' ' ')
	is "$c: every option in 'xmhfctl $c --help' is in its subsection" "$missing" ""
done

# The other way: a long option in the page that no --help names is stale.
all_help=$(cat "$tmp/main" "$tmp"/cmd-*)
stale=$(comm -23 <(opts <<<"$text" | grep -- '^--') <(opts <<<"$all_help") | tr '\n' ' ')
is "every long option in the page is in some --help" "$stale" ""

# Each example 'xmhfctl [GLOBAL...] COMMAND [OPTION...]' uses a real command
# and options that command (or the global help, before it) has.
bad=""
n=0
while read -r -a w; do
	[ "${w[0]}" = xmhfctl ] || continue
	n=$((n + 1))
	i=1
	while [ $i -lt ${#w[@]} ] && [[ ${w[i]} == -* ]]; do
		grep -qE -- "(^|[^A-Za-z0-9_-])${w[i]}([^A-Za-z0-9-]|$)" "$tmp/main" || bad="$bad ${w[i]}(global)"
		i=$((i + 1))
	done
	c=${w[i]:-}
	if [ -z "$c" ] || [ ! -e "$tmp/cmd-$c" ]; then
		bad="$bad $c(no such command)"
		continue
	fi
	for ((j = i + 1; j < ${#w[@]}; j++)); do
		[[ ${w[j]} == -* ]] || continue
		grep -qE -- "(^|[^A-Za-z0-9_-])${w[j]}([^A-Za-z0-9-]|$)" "$tmp/cmd-$c" || bad="$bad ${w[j]}($c)"
	done
done < <(section EXAMPLES | sed 's/^ *//')
is "the examples use commands and options that --help has" "$bad" ""
[ "$n" -gt 0 ] && ok "the page has $n xmhfctl examples" || not_ok "the page has xmhfctl examples"

done_testing
