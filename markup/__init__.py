"""Text to safe HTML, shared by posts (blog) and comments.

`sanitize` holds the allowlists (nh3); `render` turns the text people type
into HTML and always passes it through `sanitize`.
"""
