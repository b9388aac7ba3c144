#version 330 core
// Height colour from the same colormap table as the 2-D view, Lambert lighting, and contour lines where
// value·levels crosses k + ½ (the 2-D view's levels), a pixel wide whatever the slope (fwidth).
in vec3 v_normal;
in float v_value;
out vec4 color;
uniform sampler2D colormap;
uniform float levels;
uniform vec3 light;
uniform vec3 line_color;
void main()
{
    vec3 base = texture(colormap, vec2(clamp(v_value, 0.0, 1.0), 0.5)).rgb;
    vec3 n = normalize(gl_FrontFacing ? v_normal : -v_normal);
    float diffuse = max(dot(n, normalize(light)), 0.0);
    vec3 lit = base * (0.5 + 0.6 * diffuse);
    float x = v_value * levels;
    float distance = abs(fract(x - 0.5) - 0.5) / max(fwidth(x), 1e-6);
    float line = 1.0 - clamp(distance - 0.5, 0.0, 1.0);
    color = vec4(mix(lit, line_color, 0.5 * line), 1.0);
}
