#version 330 core
// One colour per run; points (markers) are drawn as round discs.
out vec4 color;
uniform vec3 run_color;
uniform bool round_points;
void main()
{
    if (round_points && length(gl_PointCoord - vec2(0.5)) > 0.5)
        discard;
    color = vec4(run_color, 1.0);
}
