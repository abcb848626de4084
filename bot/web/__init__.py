"""The web app for business owners (Gradio, at ``/``), its embed for consultants (``/embed``) and
the JSON API (``/api/v1``). ``bot.web.app.create_app`` builds it; nothing here imports Gradio."""
