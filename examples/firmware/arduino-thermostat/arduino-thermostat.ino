// sensorlab firmware for an Arduino (Uno, Nano, Leonardo...): a small thermostat.
//
// Wiring: a TMP36 temperature sensor on A0, a heater (through a relay or a transistor)
// on pin 7. Upload with the Arduino IDE, close the IDE's Serial Monitor and Plotter, then
// in the notebook: sensorlab.Logger(..., source="serial", baud=115200) and press Connect.
//
// Every second it prints one Arduino Serial Plotter line, which sensorlab reads:
//     temperature:21.50	target:21.00	heater:1
// The notebook sets the target with logger.send("target 22.5").

const int SENSOR_PIN = A0;
const int HEATER_PIN = 7;
const float HYSTERESIS = 0.3;  // degrees either side of the target before switching

float target = 21.0;
bool heaterOn = false;
String incoming;

void setup() {
  Serial.begin(115200);
  pinMode(HEATER_PIN, OUTPUT);
}

float readCelsius() {
  float volts = analogRead(SENSOR_PIN) * 5.0 / 1023.0;
  return (volts - 0.5) * 100.0;  // TMP36: 10 mV per degree, 500 mV at 0 degrees
}

void readCommands() {
  while (Serial.available() > 0) {
    char c = Serial.read();
    if (c == '\n') {
      incoming.trim();
      if (incoming.startsWith("target ")) {
        target = incoming.substring(7).toFloat();
      }
      incoming = "";
    } else if (incoming.length() < 64) {
      incoming += c;
    }
  }
}

void loop() {
  readCommands();
  float celsius = readCelsius();
  if (celsius < target - HYSTERESIS) heaterOn = true;
  if (celsius > target + HYSTERESIS) heaterOn = false;
  digitalWrite(HEATER_PIN, heaterOn ? HIGH : LOW);

  Serial.print("temperature:");
  Serial.print(celsius);
  Serial.print("\ttarget:");
  Serial.print(target);
  Serial.print("\theater:");
  Serial.println(heaterOn ? 1 : 0);
  delay(1000);
}
