// RingScope example sketch (examples/serial/setup.yaml): two analog inputs,
// ten times a second, as lines "millis,a0,a1" at 115200 baud.
// Open this folder in the Arduino IDE, upload, close the IDE's serial monitor
// (only one program can have the port open), then start the RingScope run.

void setup() {
  Serial.begin(115200);
  Serial.println("millis,a0,a1");  // a header line: RingScope skips it
}

void loop() {
  static unsigned long next = 0;
  unsigned long now = millis();
  if ((long)(now - next) < 0) return;
  next += 100;  // every 100 ms, without drifting
  float a0 = analogRead(A0) * 5.0 / 1023.0;  // volts on a 5 V board
  float a1 = analogRead(A1) * 5.0 / 1023.0;
  Serial.print(now);
  Serial.print(',');
  Serial.print(a0, 3);
  Serial.print(',');
  Serial.println(a1, 3);
}
