import asyncio

slots = asyncio.Semaphore(3)

async def server(url, attempt):
    await asyncio.sleep(2.0 if url.endswith('slow') and attempt == 1 else 0.5)
    if url.endswith("broken"):
        raise RuntimeError(f"{url}: 503")
    return len(url) * 10

async def fetch(url):
    for attempt in range(1, 4):
        try:
            async with slots:
                print(f"{url}: attempt {attempt}")
                async with asyncio.timeout(1.2):
                    body = await server(url, attempt)
            print(f"{url}: {body} bytes on attempt {attempt}")
            return body
        except (TimeoutError, RuntimeError) as e:
            print(f"{url}: attempt {attempt} failed: {e!r}")
            await asyncio.sleep(0.1 * 2 ** attempt)
    return None

async def main():
    results = await asyncio.gather(
        fetch("a.example/fast"),
        fetch("b.example/slow"),
        fetch("c.example/broken"),
        fetch("d.example/fast"),
        fetch("e.example/slow"),
    )
    print(f"results: {results}")

asyncio.run(main())
