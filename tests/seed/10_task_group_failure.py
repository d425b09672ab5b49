import asyncio

async def worker(id, delay, fail):
    try:
        print(f"worker {id} started")
        await asyncio.sleep(delay)
        if fail:
            raise ValueError(f"worker {id} failed")
        print(f"worker {id} done")
        return id
    except asyncio.CancelledError:
        print(f"worker {id} cancelled")
        raise

async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker(1, 1, False))
            tg.create_task(worker(2, 2, True))
            tg.create_task(worker(3, 3, False))
    except* ValueError as eg:
        print(f"caught {len(eg.exceptions)} error(s): {eg.exceptions[0]}")

asyncio.run(main())
