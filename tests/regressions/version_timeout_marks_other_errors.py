# version_timeout_marks_other_errors: exported by `asim export python tests/regressions/version_timeout_marks_other_errors.yaml`
# for CPython 3.14 (asim's default); `asim run --python all` shows whether other releases differ
import asyncio


async def work():
    try:
        await asyncio.sleep(5)
    finally:
        raise RuntimeError("cleanup failed")


async def main():
    try:
        async with asyncio.timeout(1):
            await work()
    except RuntimeError as e:
        print(f"got {e!r} ctx {e.__context__!r} ctx.ctx {e.__context__.__context__!r}")
        print(f"cause of ctx {e.__context__.__cause__!r}")
    async with asyncio.timeout(1):
        await work()


asyncio.run(main())
