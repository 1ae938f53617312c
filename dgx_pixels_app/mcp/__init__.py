"""The MCP server: agents generate sprites and deploy them into a Bevy game.

A thin front end over the jobs layer, like the CLI and the GUI: every tool builds
the same jobs and submits them to a :class:`~dgx_pixels_app.jobs.queue.JobQueue`
(its own, or — inside the running app — the window's, so agents and the artist
share one resident model). Built on the official ``mcp`` SDK (``MCPServer``); no
protocol code here. Modules: ``limits`` (each argument's limits, in the schema and
in the checks), ``confine`` (what paths a tool may read and write), ``base`` (what
every tool shares), ``generation`` and ``files`` (the tools), ``server`` (registration;
every call confined, see ``core/confine``), ``bridge`` (jobs on the queue's thread,
awaited from asyncio with progress and cancel), ``http`` (Streamable HTTP on
127.0.0.1 behind a bearer token). Qt-free.
"""
