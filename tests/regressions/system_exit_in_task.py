# system_exit_in_task: exported by `asim export python tests/regressions/system_exit_in_task.yaml`
import asyncio


async def quitter(code):
    await asyncio.sleep(0.1)
    raise SystemExit(code)


async def other():
    try:
        await asyncio.sleep(5)
    finally:
        print("other cleanup")


async def main():
    asyncio.create_task(other())
    asyncio.create_task(quitter(0))
    try:
        await asyncio.sleep(1)
    finally:
        print("main cleanup")
    print("never")


asyncio.run(main())
