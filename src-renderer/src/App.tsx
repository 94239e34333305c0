export function App() {
  return (
    <main>
      <h1>RingScope</h1>
      <p>Data acquisition with shared-memory ring buffers.</p>
    </main>
  );
}
