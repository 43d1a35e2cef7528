#!/usr/bin/env python3
# Lists function bodies longer than LIMIT lines (the project keeps them under ~70), by brace
# counting: quick, and needs no build (clang-tidy's readability-function-size in .clang-tidy is
# the exact check but wants a configure without precompiled headers).
#
#   scripts/long_functions.py 70 $(git ls-files '*.cc' '*.h')
#
# A function starts at a line ending in "{" whose statement (with the lines it continues:
# previous lines ending in "," or "(") starts in column 0-2 and has a ")"; control statements
# and lambdas are skipped. Its length runs from the signature's first line to the closing "}".
import re
import sys

CONTROL = re.compile(r"^\s*(if|for|while|switch|else|do|catch|return|case)\b")


def code(line):
    """The line without its comment and with its string and character literals emptied."""
    line = re.sub(r"//.*", "", line)
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    return re.sub(r"'(\\.|[^'\\])*'", "''", line)


def long_functions(path, limit):
    lines = open(path, errors="replace").read().split("\n")
    i = 0
    while i < len(lines):
        s = code(lines[i]).rstrip()
        if s.endswith("{") and ")" in s:
            start = i
            while start > 0 and code(lines[start - 1]).rstrip().endswith((",", "(")):
                start -= 1
            head = code(lines[start])
            indent = len(head) - len(head.lstrip())
            before_paren = head.split("(")[0]
            if indent <= 2 and not CONTROL.match(head) and "=" not in before_paren \
                    and "[" not in before_paren:
                depth, end = 0, i
                while end < len(lines):
                    t = code(lines[end])
                    depth += t.count("{") - t.count("}")
                    if depth <= 0:
                        break
                    end += 1
                if end - start + 1 > limit:
                    name = re.search(r"([A-Za-z_][\w:~]*)\s*\(", head)
                    yield start + 1, end - start + 1, name.group(1) if name else "?"
                i = end + 1
                continue
        i += 1


if __name__ == "__main__":
    limit = int(sys.argv[1])
    for path in sys.argv[2:]:
        for line, length, name in long_functions(path, limit):
            print(f"{path}:{line}: {length} lines {name}")
