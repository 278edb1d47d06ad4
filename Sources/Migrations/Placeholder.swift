// This target's code arrives with its issue.
