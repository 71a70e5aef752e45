"""Timelines drawn: a recording's shape, swimlanes for the terminal, SVG for the READMEs."""
