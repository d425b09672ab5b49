import asyncio

async def fetch(name, delay, fail):
    try:
        await asyncio.sleep(delay)
        if fail:
            raise RuntimeError(name)
        print(f"{name} fetched")
    finally:
        print(f"{name} closes its connection")

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fetch("alpha", 1, False))
            tg.create_task(fetch("beta", 2, True))
            tg.create_task(fetch("gamma", 3, False))
            tg.create_task(fetch("delta", 4, False))
    except* RuntimeError as eg:
        print(f"failed: {eg.exceptions}")

asyncio.run(main())
