"""Who is calling: accounts, API keys, roles and area scopes."""
