"""An indicator's data rows (observations), the catalogues derived from them, data entry pages and API."""
