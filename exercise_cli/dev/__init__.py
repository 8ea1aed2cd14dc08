"""For course authors: `exercise dev check` (after rustlings' `dev check`) proves an exercise complete and
consistent, and golden files keep each fixture submission's expected verdict beside it."""
