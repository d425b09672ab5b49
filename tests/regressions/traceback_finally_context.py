# traceback_finally_context: exported by `asim export python tests/regressions/traceback_finally_context.yaml`
import asyncio


async def f():
    try:
        raise ValueError("body")
    finally:
        raise KeyError("in finally")


async def main():
    await f()


asyncio.run(main())
