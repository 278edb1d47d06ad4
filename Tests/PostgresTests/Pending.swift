// The tests of this target are written with its capability; see the issues.
