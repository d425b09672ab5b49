# traceback_reraise_stored: exported by `asim export python tests/regressions/traceback_reraise_stored.yaml`
import asyncio

saved = None


async def f():
    raise KeyError("k")


async def g():
    raise saved


async def main():
    global saved
    try:
        await f()
    except KeyError as e:
        saved = e
    await g()


asyncio.run(main())
