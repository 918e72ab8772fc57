"""The public SDG site of a workspace: goals, indicator pages with chart, table and metadata, in each language
the repository publishes."""
