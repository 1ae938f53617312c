"""The MCP server: agents generate sprites and deploy them into a Bevy game.

A thin front end over the jobs layer, like the CLI and the GUI: every tool builds
the same jobs and submits them to a :class:`~dgx_pixels_app.jobs.queue.JobQueue`
(its own, or — inside the running app — the window's, so agents and the artist
share one resident model). Built on the official ``mcp`` SDK (``MCPServer``); no
protocol code here. Modules: ``confine`` (what paths a tool may read and write),
``bridge`` (jobs on the queue's thread, awaited from asyncio with progress and
cancel), ``tools`` (the tools and their limits), ``http`` (Streamable HTTP on
127.0.0.1 behind a bearer token). Qt-free.
"""
