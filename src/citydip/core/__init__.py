"""The small core every domain builds on: database, tenancy, auth, listing, errors, web plumbing."""
