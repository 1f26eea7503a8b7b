"""One module per page group: its data function, and the routes of the page and its JSON twin."""
