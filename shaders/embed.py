#!/usr/bin/env python3
"""Embeds GLSL sources into a C header at build time (meson runs it): each FILE.EXT becomes
`static const char shader_FILE_EXT[]`, so the binary runs from anywhere without shaders/ beside it."""
import os
import sys


def main():
    out, sources = sys.argv[1], sys.argv[2:]
    lines = ['/* Generated from shaders/ by shaders/embed.py at build time. */\n']
    for path in sources:
        name = 'shader_' + os.path.basename(path).replace('.', '_').replace('-', '_')
        with open(path) as f:
            text = f.read()
        escaped = text.replace('\\', '\\\\').replace('"', '\\"').split('\n')
        lines.append('static const char %s[] =\n' % name)
        lines.extend('    "%s\\n"\n' % line for line in escaped)
        lines.append(';\n')
    with open(out + '.tmp', 'w') as f:
        f.write(''.join(lines))
    os.replace(out + '.tmp', out)


if __name__ == '__main__':
    main()
